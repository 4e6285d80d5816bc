"""`{{ form|crispy_reused }}`: crispy's rendering of an unbound form, reused while nothing changes.

Rendering a public form through crispy's templates costs several times the rest of its page, yet
an empty unbound form renders the same for everyone until its labels, choices or widgets
change. The key below is made of exactly those (and the language); a bound form, or one
with errors, is rendered by crispy every time. Each process keeps at most _MAX_ENTRIES renderings.
"""

import threading
from collections import OrderedDict

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language

from registrations.forms.fields import CountryChoices

register = template.Library()

_MAX_ENTRIES = 256
_renderings: OrderedDict = OrderedDict()
_lock = threading.Lock()


@receiver(setting_changed)
def _forget_renderings(**kwargs) -> None:
    with _lock:
        _renderings.clear()


def _plain(value):
    """A hashable stand-in: True stays apart from "True", lazy text is rendered, rows by pk."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if hasattr(value, "_meta") and hasattr(value, "pk"):  # a model instance as an initial value
        return (value._meta.label, value.pk)
    return (type(value).__name__, str(value))


def _choices_key(widget: forms.Widget):
    choices = getattr(widget, "choices", None)
    if choices is None:
        return None
    if isinstance(choices, CountryChoices):
        return "countries"  # the same list in each language
    return tuple((_plain(value), _plain(label)) for value, label in choices)


def _widget_key(widget: forms.Widget):
    return (
        type(widget),
        widget.template_name,
        getattr(widget, "option_template_name", None),
        getattr(widget, "input_type", None),
        getattr(widget, "format", None),
        getattr(widget, "check_test", None),
        widget.is_required,
        tuple(sorted((name, _plain(value)) for name, value in widget.attrs.items())),
        _choices_key(widget),
    )


def _form_key(form: forms.BaseForm):
    """Everything crispy's templates read from an unbound form, or None if it has to render.

    A form filled in for someone (from a survey answer or an invitation) is never kept: its
    rendering holds that person's details.
    """
    if form.is_bound or form.errors or form.initial:
        return None
    fields = []
    for bound_field in form:
        field, widget = bound_field.field, bound_field.field.widget
        if isinstance(widget, forms.MultiWidget):
            return None
        fields.append(
            (
                bound_field.html_name,
                bound_field.auto_id,
                type(field),
                _plain(bound_field.label),
                _plain(field.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                field.localize,
                _plain(field.label_suffix),
                _plain(bound_field.value()),
                _widget_key(widget),
            )
        )
    return (
        type(form),
        get_language(),
        form.prefix,
        form.auto_id,
        _plain(form.label_suffix),
        form.use_required_attribute,
        getattr(form, "error_css_class", None),
        getattr(form, "required_css_class", None),
        tuple(fields),
    )


@register.filter
def crispy_reused(form: forms.BaseForm) -> str:
    """As `{{ form|crispy }}`, with the rendering reused for an unchanged unbound form."""
    key = _form_key(form)
    if key is None:
        return as_crispy_form(form)
    with _lock:
        if key in _renderings:
            _renderings.move_to_end(key)
            return _renderings[key]
    rendering = as_crispy_form(form)
    with _lock:
        _renderings[key] = rendering
        while len(_renderings) > _MAX_ENTRIES:
            _renderings.popitem(last=False)
    return rendering
