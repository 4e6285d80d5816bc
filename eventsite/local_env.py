"""One secret key for every process of the local site, kept in the git-ignored `.env` file.

`make run` starts the web process and the mail worker. Both must sign and check links (the
pre-filled registration link in the "registration is open" mail, sessions, private links) with
the same SECRET_KEY, also after a restart, or a link made by one is refused by the other. The
Makefile therefore runs `python -m eventsite.local_env` before anything that runs manage.py: it
adds a random `SECRET_KEY=...` to the env file when the file has none, and otherwise leaves the
file alone. The settings read the same file (values already in the environment win).

The env file is `.env` in the project folder, or the file named by the ENV_FILE environment
variable. Nothing here imports Django, so the step costs next to nothing.
"""

import os
import re
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# The line format django-environ's read_env understands; when a name is repeated the last wins.
_ASSIGNMENT = re.compile(r"\A(?:export )?([A-Za-z_0-9]+)=(.*)\Z")


def env_file_path() -> Path:
    """The env file the settings read: $ENV_FILE, or `.env` in the project folder."""
    return Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env")


def new_secret_key() -> str:
    # URL-safe characters only: no quotes, `#` or `$` that an env file reader could take apart.
    return secrets.token_urlsafe(50)


def secret_key_in(text: str) -> str:
    """The SECRET_KEY an env file's text sets ("" when none), read as django-environ reads it."""
    value = ""
    for line in text.splitlines():
        match = _ASSIGNMENT.match(line)
        if match and match.group(1) == "SECRET_KEY":
            value = match.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
    return value


def ensure_secret_key(path: Path) -> bool:
    """Append a new SECRET_KEY to the env file at `path` unless it sets one already.

    Creates the file (readable by its owner only) if it is missing. Existing lines, an existing
    key included, are never changed. Returns True when a key was added.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if secret_key_in(text):
        return False
    addition = ""
    if text and not text.endswith("\n"):
        addition += "\n"
    if not text:
        addition += "# Local use only (written by eventsite/local_env.py); not for production.\n"
    addition += f"SECRET_KEY={new_secret_key()}\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as env_file:
        env_file.write(addition)
    return True


def main() -> int:
    path = env_file_path()
    if ensure_secret_key(path):
        print(f"Wrote a new local SECRET_KEY to {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
