"""One SECRET_KEY for all local processes (eventsite/local_env.py), and none means no start.

The defect: under `make run` the mail worker and the web process each made up a random key, so
the pre-filled link in the "registration is open" mail, signed by the worker, was refused by the
web process. The processes here are real ones (`manage.py shell`), started as `make run` starts
them, but with the env file in a temporary folder.
"""

import os
import subprocess
import sys
from pathlib import Path

from eventsite import local_env

PROJECT = Path(__file__).resolve().parent.parent

SIGN = (
    "from django.core import signing; from registrations.prefill import SALT; "
    "print('VALUE=' + signing.dumps({'response': 7, 'event': 3}, salt=SALT))"
)
CHECK = (
    "import os; from django.core import signing; from registrations.prefill import SALT; "
    "print('PAYLOAD=' + repr(signing.loads(os.environ['SIGNED_VALUE'], salt=SALT)))"
)


def run(args: list[str], env_file: Path, **extra: str) -> subprocess.CompletedProcess:
    """Run `python <args>` in the project folder as `make run` would: no SECRET_KEY of its own."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="eventsite.settings",
        DEBUG="true",
        ENV_FILE=str(env_file),
        DATABASE_URL="sqlite:///:memory:",
    )
    environment.update(extra)
    return subprocess.run(  # noqa: S603 - our own manage.py and module, fixed arguments
        [sys.executable, *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def output_value(result: subprocess.CompletedProcess, name: str) -> str:
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{name}=")]
    assert lines, result.stdout
    return lines[-1].removeprefix(f"{name}=")


def sign_then_check(env_file: Path) -> subprocess.CompletedProcess:
    """Sign a pre-fill value in one process; return the process that checks it in another."""
    signed = output_value(run(["manage.py", "shell", "-c", SIGN], env_file), "VALUE")
    return run(["manage.py", "shell", "-c", CHECK], env_file, SIGNED_VALUE=signed)


def test_a_link_signed_by_one_process_is_accepted_by_another_with_the_generated_env_file(
    tmp_path,
):
    env_file = tmp_path / ".env"
    generated = run(["-m", "eventsite.local_env"], env_file)
    assert generated.returncode == 0, generated.stderr
    assert local_env.secret_key_in(env_file.read_text())

    checked = sign_then_check(env_file)

    assert output_value(checked, "PAYLOAD") == "{'response': 7, 'event': 3}"


def test_without_the_env_file_each_process_has_its_own_key_and_refuses_the_link(tmp_path):
    """The defect itself, kept as a control: DEBUG on, no key anywhere."""
    checked = sign_then_check(tmp_path / "missing.env")

    assert checked.returncode != 0
    assert "BadSignature" in checked.stderr


def test_generating_again_keeps_the_first_key(tmp_path):
    env_file = tmp_path / ".env"

    assert local_env.ensure_secret_key(env_file) is True
    first = env_file.read_text()
    assert local_env.ensure_secret_key(env_file) is False

    assert env_file.read_text() == first
    assert len(local_env.secret_key_in(first)) >= 50
    assert env_file.stat().st_mode & 0o777 == 0o600


def test_an_existing_file_keeps_its_lines_and_gains_only_the_key(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# mine\nDATABASE_URL=postgres://localhost/mine\nEMAIL_URL=consolemail://")

    assert local_env.ensure_secret_key(env_file) is True

    lines = env_file.read_text().splitlines()
    assert lines[:3] == [
        "# mine",
        "DATABASE_URL=postgres://localhost/mine",
        "EMAIL_URL=consolemail://",
    ]
    assert len(lines) == 4
    assert lines[3].startswith("SECRET_KEY=")
    assert "DEBUG" not in env_file.read_text()


def test_a_key_already_in_the_file_is_never_replaced(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("export SECRET_KEY='chosen-by-me'\nDEBUG=true\n")

    assert local_env.ensure_secret_key(env_file) is False

    assert env_file.read_text() == "export SECRET_KEY='chosen-by-me'\nDEBUG=true\n"
    assert local_env.secret_key_in(env_file.read_text()) == "chosen-by-me"


def test_an_empty_key_in_the_file_counts_as_none(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=\n")

    assert local_env.ensure_secret_key(env_file) is True

    assert local_env.secret_key_in(env_file.read_text())
    assert env_file.read_text().startswith("SECRET_KEY=\n")


def test_without_debug_the_site_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "check"], tmp_path / "missing.env", DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
