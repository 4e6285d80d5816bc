"""`{% checkin_code_svg registration %}` and `{{ registration|manual_checkin_code }}` for the
private registration page."""

from django import template
from django.utils.safestring import SafeString

from registrations.checkin_codes import checkin_code_svg as _svg
from registrations.checkin_codes import manual_code, shows_checkin_code
from registrations.models import Registration

register = template.Library()


@register.simple_tag
def checkin_code_svg(registration: Registration) -> SafeString:
    return _svg(registration)


register.filter("manual_checkin_code", manual_code)
register.filter("shows_checkin_code", shows_checkin_code)
