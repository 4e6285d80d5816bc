"""Organiser login: lockout after repeated failures (per username and address), Argon2 password
hashes, the password validators, and two-factor login (required for superusers unless DEBUG)."""

import importlib
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import eventsite.settings
from registrations.models import ActionLogEntry
from tests.factories import make_totp_device
from tests.helpers import current_code, wrong_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the conftest organiser's
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.23"

otp_required = override_settings(OTP_REQUIRED_FOR_SUPERUSERS=True)


def log_in(client, username="organiser", password=PASSWORD, *, code="", address=ADDRESS, **meta):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "code": code},
        REMOTE_ADDR=address,
        **meta,
    )


def fail_logins(client, times=20, **kwargs):
    for attempt in range(times):
        log_in(client, password=f"wrong password {attempt}", **kwargs)


def reaches_admin_index(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def move_attempts_back(minutes: int) -> None:
    """As if the last failure had been `minutes` ago."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


# Lockout (django-axes)


def test_twenty_wrong_passwords_then_the_right_one_is_refused(client, organiser):
    fail_logins(client)

    response = log_in(client)

    assert response.status_code == 429
    assert not reaches_admin_index(client)


def test_the_right_password_works_before_the_limit(client, organiser):
    fail_logins(client, times=4)

    assert log_in(client).status_code == 302
    assert reaches_admin_index(client)


def test_the_lockout_lasts_until_the_cool_off_has_passed(client, organiser):
    fail_logins(client)

    move_attempts_back(14)
    assert log_in(client).status_code == 429  # and this try starts the wait again

    move_attempts_back(16)
    assert log_in(client).status_code == 302
    assert reaches_admin_index(client)


def test_the_lockout_is_per_username_and_address(client, organiser, django_user_model):
    django_user_model.objects.create_user(
        "k.wojcik", "k.wojcik@example.pl", "Łódź innovation cluster", is_staff=True
    )
    fail_logins(client)

    assert log_in(client, address=OTHER_ADDRESS).status_code == 302
    client.logout()
    assert log_in(client, "k.wojcik", "Łódź innovation cluster").status_code == 302
    client.logout()
    assert log_in(client).status_code == 429


@override_settings(CLIENT_IP_HEADER="X-Forwarded-For")
def test_the_address_comes_from_the_proxy_header(client, organiser):
    """The proxy appends the client's address; what the client put before it is ignored."""
    fail_logins(client, HTTP_X_FORWARDED_FOR="192.0.2.10")

    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"
    forged = log_in(client, HTTP_X_FORWARDED_FOR="10.9.8.7, 192.0.2.10")
    assert forged.status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="192.0.2.11").status_code == 302


def test_the_lockout_page_says_what_happened_and_for_how_long(client, organiser):
    fail_logins(client, times=5)

    response = log_in(client)

    assert response.status_code == 429
    assert "admin/login_locked_out.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "Login paused" in page
    assert "5 failed logins" in page
    assert "15 minutes" in page
    assert PASSWORD not in page


def test_axes_reset_lifts_the_lockout(client, organiser):
    fail_logins(client)

    call_command("axes_reset")

    assert log_in(client).status_code == 302


# Password hashes and validators


def test_the_production_settings_hash_new_passwords_with_argon2():
    with override_settings(PASSWORD_HASHERS=eventsite.settings.PASSWORD_HASHERS):
        assert make_password("Järvenpää cluster forum").startswith("argon2$")


def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(client, organiser):
    with override_settings(PASSWORD_HASHERS=eventsite.settings.PASSWORD_HASHERS):
        hasher = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
        with override_settings(PASSWORD_HASHERS=[hasher]):
            organiser.set_password(PASSWORD)
            organiser.save()
        assert organiser.password.startswith("pbkdf2_sha256$")

        assert log_in(client).status_code == 302

    organiser.refresh_from_db()
    assert organiser.password.startswith("argon2$")


@pytest.mark.parametrize(
    "weak_password",
    ["Łódź2030", "123456789012345", "password1234", "organiser-example"],
    ids=["too short", "only digits", "common", "like the username"],
)
def test_weak_passwords_are_refused(organiser, weak_password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(weak_password, organiser)


def test_the_admin_refuses_a_weak_new_password(admin_client_for, organiser):
    url = reverse("admin:auth_user_password_change", args=[organiser.pk])

    response = admin_client_for.post(
        url, {"password1": "cluster2030", "password2": "cluster2030", "usable_password": "true"}
    )

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    organiser.refresh_from_db()
    assert organiser.check_password(PASSWORD)


def test_the_printed_organiser_password_passes_the_validators(capsys, django_user_model):
    call_command("ensure_organiser")

    password = capsys.readouterr().out.split("with password '")[1].split("'")[0]
    password_validation.validate_password(password, django_user_model.objects.get())


# Two-factor login (django-otp)


@pytest.fixture
def restore_settings_module():
    yield
    importlib.reload(eventsite.settings)


@pytest.mark.parametrize("debug, required", [("false", True), ("true", False)])
def test_superusers_need_a_second_factor_unless_debug(
    monkeypatch, restore_settings_module, debug, required
):
    monkeypatch.setenv("DEBUG", debug)

    assert importlib.reload(eventsite.settings).OTP_REQUIRED_FOR_SUPERUSERS is required


@otp_required
def test_a_superuser_without_a_second_factor_must_set_one_up_first(client, organiser):
    assert log_in(client).status_code == 302

    setup_url = reverse("admin:two_factor_setup")
    assert client.get(reverse("admin:index")).url == setup_url
    assert client.get(reverse("admin:registrations_event_changelist")).url == setup_url
    assert client.get(reverse("admin:login")).url == setup_url
    page = client.get(setup_url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()

    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    response = client.post(setup_url, {"code": current_code(device)})

    assert response.url == reverse("admin:index")
    assert reaches_admin_index(client)
    device.refresh_from_db()
    assert device.confirmed
    assert ActionLogEntry.objects.get().action == "set up two-factor login"


@otp_required
def test_setting_up_with_a_wrong_code_is_refused(client, organiser):
    log_in(client)
    setup_url = reverse("admin:two_factor_setup")
    client.get(setup_url)
    device = TOTPDevice.objects.get(user=organiser)

    response = client.post(setup_url, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "That is not the code your app shows now" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("admin:index")).url == setup_url


@otp_required
def test_the_secret_stays_the_same_until_it_is_confirmed(client, organiser):
    log_in(client)
    first = client.get(reverse("admin:two_factor_setup")).context["secret"]
    second = client.get(reverse("admin:two_factor_setup")).context["secret"]

    assert first == second
    assert TOTPDevice.objects.count() == 1


@otp_required
def test_a_superuser_may_log_out_before_setting_up(client, organiser):
    log_in(client)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_without_a_second_factor_are_not_asked_for_one(client, django_user_model):
    with otp_required:
        django_user_model.objects.create_user(
            "a.muller", "a.muller@example.de", "Berlin cluster summit", is_staff=True
        )

        assert log_in(client, "a.muller", "Berlin cluster summit").status_code == 302
        assert reaches_admin_index(client)
        assert client.get(reverse("admin:two_factor_setup")).status_code == 200


@pytest.mark.parametrize("with_the_requirement", [True, False])
def test_with_a_device_the_right_code_logs_in(client, organiser, with_the_requirement):
    device = make_totp_device(organiser)

    with override_settings(OTP_REQUIRED_FOR_SUPERUSERS=with_the_requirement):
        response = log_in(client, code=current_code(device))

        assert response.status_code == 302
        assert reaches_admin_index(client)


@pytest.mark.parametrize("code", ["wrong", "none"])
def test_with_a_device_the_password_alone_is_refused(client, organiser, code):
    device = make_totp_device(organiser)

    response = log_in(client, code=wrong_code(device) if code == "wrong" else "")

    assert response.status_code == 200
    assert "Enter the current 6-digit code" in response.content.decode()
    assert not reaches_admin_index(client)


def test_wrong_codes_count_towards_the_lockout(client, organiser):
    device = make_totp_device(organiser)
    for _ in range(4):
        log_in(client, code=wrong_code(device))

    assert log_in(client, code=wrong_code(device)).status_code == 429


def test_a_session_without_the_code_does_not_reach_the_admin(client, organiser):
    """Logged in some other way than the login page (here force_login): the code is missing."""
    make_totp_device(organiser)
    client.force_login(organiser)

    assert client.get(reverse("admin:index")).status_code == 302


def test_without_the_requirement_a_superuser_logs_in_with_the_password_alone(client, organiser):
    assert log_in(client).status_code == 302
    assert reaches_admin_index(client)
    assert not TOTPDevice.objects.exists()


def test_the_login_page_asks_for_the_code(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert 'autocomplete="one-time-code"' in page
    assert "Code from your authenticator app" in page
