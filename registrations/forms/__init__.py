"""Public forms: they present the questions; the services decide what is accepted."""

from typing import TypeVar

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from registrations.forms.fields import FIELD_GUIDANCE, apply_field_guidance
from registrations.services.errors import InvalidInput, ServiceError

FieldType = TypeVar("FieldType", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldType]) -> FieldType:
    """The form's field `name`, known to be a `kind` (choices and querysets are set per form)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


OPTIONAL = _("(optional)")


def mark_optional(field: forms.Field) -> None:
    """ "(optional)" after the label: every public form marks optional questions so, and says
    at the top that all others are required (registrations/_required_note.html). A tick box
    is left as it is: leaving it unticked is an answer too."""
    if field.label is None or isinstance(field.widget, forms.CheckboxInput):
        return
    if not str(field.label).endswith(str(OPTIONAL)):
        field.label = format_lazy("{} {}", field.label, OPTIONAL)


class ServiceForm(forms.Form):
    """A form whose valid input a service may still refuse; the refusal is shown on the form.

    Every public form is one: its shared questions get their autocomplete token and messages
    that say what to do (fields.FIELD_GUIDANCE), and its optional questions are marked.
    """

    # Not required by the form, yet required by the service (with its own message).
    required_by_service: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in FIELD_GUIDANCE:
                apply_field_guidance(field, FIELD_GUIDANCE[name])
            if not field.required and name not in self.required_by_service:
                mark_optional(field)

    def add_service_error(self, error: ServiceError) -> None:
        """Each problem next to its field (or at the top when the form has no such field)."""
        problems = error.errors if isinstance(error, InvalidInput) else [error]
        for problem in problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
