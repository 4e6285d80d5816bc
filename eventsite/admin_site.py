"""The organisers' admin site: a password, then a code for whoever has set up two-factor login.

- Whoever has a confirmed authenticator app (django-otp TOTP device) enters its code with the
  password at every login; without a verified code the admin treats them as logged out.
- A superuser must set one up when OTP_REQUIRED_FOR_SUPERUSERS (on unless DEBUG): after the
  password, every admin page leads to the set-up page until it is done.
- Other staff may set one up on the same page ("Two-factor login" at /admin/two-factor/).
- A wrong code counts as a failed login for the lockout (django-axes), as a wrong password does.
"""

from base64 import b32encode
from datetime import timedelta
from functools import wraps
from typing import Any, cast

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrations.forms import ServiceForm
from registrations.selectors import confirmed_totp_device, has_second_factor
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.organiser_login import totp_device_confirm, totp_device_to_set_up

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
)


def must_set_up_second_factor(user: Any) -> bool:
    """A logged-in superuser without an authenticator app, where the site requires one."""
    return (
        settings.OTP_REQUIRED_FOR_SUPERUSERS
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.is_superuser
        and not has_second_factor(user)
    )


class OrganiserLoginForm(AdminAuthenticationForm):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        required=False,
        help_text=gettext_lazy("Only if you have set up two-factor login."),
        widget=CODE_WIDGET,
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "wrong_code": gettext_lazy(
            "Enter the current 6-digit code from your authenticator app as well."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        device = confirmed_totp_device(user)
        if device is None:
            return
        if not device.verify_token(self.cleaned_data.get("code", "")):
            # Counted by django-axes like a wrong password, towards the same lockout.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise ValidationError(self.error_messages["wrong_code"], code="wrong_code")
        user.otp_device = device  # type: ignore[attr-defined]  # django_otp keeps it at login


class TwoFactorSetupForm(ServiceForm):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"), widget=CODE_WIDGET
    )


class OrganiserAdminSite(admin.AdminSite):
    login_form = OrganiserLoginForm
    login_template = "admin/organiser_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff, and verified by a code where one is set up or required."""
        if not super().has_permission(request):
            return False
        user = cast(User, request.user)  # an active staff member
        return user.is_verified() or not (  # type: ignore[attr-defined]  # django_otp's
            has_second_factor(user) or must_set_up_second_factor(user)
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if must_set_up_second_factor(request.user):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return view(request, *args, **kwargs)  # the way out needs no permission
                return redirect("admin:two_factor_setup")
            return checked(request, *args, **kwargs)

        return inner

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method == "GET" and must_set_up_second_factor(request.user):
            return redirect("admin:two_factor_setup")
        return super().login(request, extra_context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        setup = never_cache(csrf_protect(staff_member_required(self.two_factor_setup)))
        return [
            path("two-factor/", setup, name="two_factor_setup"),
            *super().get_urls(),
        ]

    def two_factor_setup(self, request: HttpRequest) -> HttpResponse:
        """Scan the secret into an app and confirm it with a code (any staff member)."""
        user = cast(User, request.user)  # a staff member (staff_member_required)
        context = {**self.each_context(request), "title": _("Two-factor login")}
        if has_second_factor(user):
            return TemplateResponse(request, "admin/two_factor_set_up.html", context)
        device = totp_device_to_set_up(user=user)
        form = TwoFactorSetupForm(request.POST or None)
        if form.is_valid():
            try:
                totp_device_confirm(
                    device=device,
                    code=form.cleaned_data["code"],
                    actor=Actor.organiser(user),
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                django_otp.login(request, device)
                messages.success(
                    request, _("Two-factor login is set up: log in with a code from now on.")
                )
                return redirect("admin:index")
        context.update(form=form, **authenticator_app_secret(device))
        return TemplateResponse(request, "admin/two_factor_setup.html", context)


def authenticator_app_secret(device: TOTPDevice) -> dict[str, str]:
    """The device's secret as a QR code (inline SVG) and as text in groups of four to type."""
    secret = b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code of the secret for your authenticator app")
    )
    return {
        "qr_svg": mark_safe(qr_svg),  # noqa: S308 - drawn by segno from our own secret
        "secret": " ".join(secret[start : start + 4] for start in range(0, len(secret), 4)),
    }


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page django-axes shows instead of the login while this username and address are
    locked out (AXES_LOCKOUT_CALLABLE)."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60),
    }
    return render(request, "admin/login_locked_out.html", context, status=429)
