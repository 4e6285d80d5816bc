"""The project's own setup: production settings pass the deploy check; the organiser login."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

PROJECT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL="sqlite:///:memory:",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_organiser_account_is_created_once_and_its_login_printed(capsys):
    call_command("ensure_organiser")
    first = capsys.readouterr().out
    call_command("ensure_organiser")
    second = capsys.readouterr().out

    organiser = get_user_model().objects.get()
    password = first.split("with password '")[1].split("'")[0]
    assert organiser.username == "organiser"
    assert organiser.is_superuser and organiser.is_staff
    assert organiser.check_password(password)
    assert "existing account" in second
    assert get_user_model().objects.count() == 1
