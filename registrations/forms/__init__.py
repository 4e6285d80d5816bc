"""Public forms: they present the questions; the services decide what is accepted."""

from typing import TypeVar

from django import forms

from registrations.services.errors import InvalidInput, ServiceError

FieldType = TypeVar("FieldType", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldType]) -> FieldType:
    """The form's field `name`, known to be a `kind` (choices and querysets are set per form)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class ServiceForm(forms.Form):
    """A form whose valid input a service may still refuse; the refusal is shown on the form."""

    def add_service_error(self, error: ServiceError) -> None:
        """Each problem next to its field (or at the top when the form has no such field)."""
        problems = error.errors if isinstance(error, InvalidInput) else [error]
        for problem in problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
