"""A new superuser's first login with DEBUG off: the password, then setting up an authenticator
app from the QR code's key, then the administration."""

import re

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.helpers import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tampere cluster forum 2030"


@override_settings(OTP_REQUIRED_FOR_SUPERUSERS=True)
def test_a_new_superuser_sets_up_two_factor_login_before_the_admin(page, django_user_model):
    django_user_model.objects.create_superuser("j.jarvenpaa", "jukka@example.fi", PASSWORD)

    page.goto("/admin/")
    page.get_by_label("Username").fill("j.jarvenpaa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile("/admin/two-factor/$"))
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    device = TOTPDevice.objects.get(user__username="j.jarvenpaa")
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Set up two-factor login").click()

    expect(page.get_by_text("Two-factor login is set up")).to_be_visible()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
