"""Smoke test of the production topology (deploy/serve), driven through nginx; run by .ci/run.

    .venv/bin/python deploy/smoke_test.py

It starts `deploy/serve` on a fresh database (SMOKE_DATABASE_URL, by default
eventsite_serve_topology) and an emptied Redis database (SMOKE_CACHE_URL), then checks:
- pages, static files (served by nginx, cached for a year) and the security headers;
- `manage.py check --deploy --fail-level WARNING` with the web processes' environment;
- 300 registrations sent at once for 50 on-site seats: exactly 50 confirmed, the others on the
  waiting list or refused with the form, never a server error;
- once the mail workers are done, one mail per registration, none twice;
- the rate limits count across both web processes (one count in Redis): the per-address limit
  after 10 POSTs naming one address, the per-client limit at exactly its 320th POST, with
  requests alternating between the two gunicorns.
The topology is stopped at the end whatever happened. Every wait polls against a deadline.
"""

import email
import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RUN_DIR = ROOT / ".serve"
DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eventsite_serve_topology"
)
CACHE_URL = os.environ.get("SMOKE_CACHE_URL", "redis://127.0.0.1:6379/3")
# deploy/serve's ports (its defaults unless set, e.g. when two checkouts run CI side by side).
HOST = "127.0.0.1"
HTTP_PORT = int(os.environ.get("SERVE_HTTP_PORT", "8080"))
HTTPS_PORT = int(os.environ.get("SERVE_HTTPS_PORT", "8443"))
WEB_PORTS = os.environ.get("SERVE_WEB_PORTS", "8081,8082").split(",")
WEB_UPSTREAMS = {f"{HOST}:{port}" for port in WEB_PORTS}
SEATS = 50
REGISTRATIONS = 300
POSTS_PER_IP = 320
POSTS_PER_EMAIL = 10
EVENT_SLUG = "smoke-forum"
FORM_PATH = f"/events/{EVENT_SLUG}/register/"
REQUEST_TIMEOUT = 60
START_SECONDS = 120
MAIL_SECONDS = 90

ENVIRONMENT = {
    **os.environ,
    "SERVE_DATABASE_URL": DATABASE_URL,
    "SERVE_CACHE_URL": CACHE_URL,
    "SERVE_RUN_DIR": str(RUN_DIR),
    # The form is sent right after it is fetched: no minimum fill time for this run.
    "PUBLIC_FORM_MIN_FILL_SECONDS": "0",
    "RATE_LIMIT_POSTS_PER_IP": f"{POSTS_PER_IP}/10m",
    "RATE_LIMIT_POSTS_PER_EMAIL": f"{POSTS_PER_EMAIL}/h",
    "LOG_LEVEL": "WARNING",
}

CREATE_EVENT = f"""
from datetime import timedelta
from django.utils import timezone
from registrations.models import Event
start = timezone.now() + timedelta(days=30)
event = Event.objects.create(
    slug="{EVENT_SLUG}", title="Cluster Smoke Forum", summary="Smoke test", organisers="ECCP",
    format="hybrid", venue="Estrel", city="Berlin", country="DE", start=start,
    end=start + timedelta(days=1), is_published=True, onsite_capacity={SEATS},
    registration_opens_at=timezone.now() - timedelta(hours=1),
)
print(event.pk)
"""


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    print(f"ok: {message}", flush=True)


# --- HTTP through nginx ---------------------------------------------------------------------

UNVERIFIED = ssl._create_unverified_context()  # the topology's self-signed certificate


def request(
    method: str, path: str, body: str = "", headers: dict | None = None
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPSConnection(
        HOST, HTTPS_PORT, context=UNVERIFIED, timeout=REQUEST_TIMEOUT
    )
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        connection.close()


class FormSender:
    """The registration form as one browser has it: its CSRF cookie, token and start stamp."""

    def __init__(self) -> None:
        status, headers, page = request("GET", FORM_PATH)
        if status != 200:
            raise SmokeFailure(f"the registration form answered {status}")
        self.cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
        self.fields = {
            "csrfmiddlewaretoken": _hidden(page, "csrfmiddlewaretoken"),
            "form_started": _hidden(page, "form_started"),
        }

    def post(self, number: int, email_address: str = "") -> int:
        fields = {
            **self.fields,
            "first_name": "Łukasz",
            "last_name": f"Wójcik {number}",
            "email": email_address or f"smoke{number}@cluster-lodz.example.pl",
            "organisation": "Klaster Łódź",
            "organisation_type": "cluster",
            "job_title": "Cluster manager",
            "country": "PL",
            # Every other person asks for the waiting list should the seats run out.
            "attendance_mode": "on_site:waiting_list" if number % 2 else "on_site",
            "consent": "on",
        }
        status, _, _ = request(
            "POST",
            FORM_PATH,
            urllib.parse.urlencode(fields),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={self.cookie}",
                "Referer": f"https://{HOST}:{HTTPS_PORT}{FORM_PATH}",
            },
        )
        return status


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    if match is None:
        raise SmokeFailure(f"the registration form has no {name}")
    return match.group(1)


# --- The topology ---------------------------------------------------------------------------


def reset_state() -> None:
    """A new database, an empty Redis database (the rate limits' counts), no old mail."""
    url = urllib.parse.urlparse(DATABASE_URL)
    connection = psycopg2.connect(
        dbname="postgres", host=url.hostname, port=url.port or 5432, user=url.username
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{url.path.lstrip("/")}" WITH (FORCE)')
    connection.close()
    redis.Redis.from_url(CACHE_URL).flushdb()
    for message_file in (RUN_DIR / "mail").glob("*"):
        message_file.unlink()


def start_topology(log_file) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, ROOT / "deploy" / "serve"],
        cwd=ROOT,
        env=ENVIRONMENT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_served(serve: subprocess.Popen) -> None:
    poll(lambda: serve.poll() is not None or _answers(), START_SECONDS, "the site answers")
    if serve.poll() is not None:
        raise SmokeFailure("deploy/serve stopped while starting")


def _answers() -> bool:
    try:
        return request("GET", "/")[0] == 200
    except OSError:
        return False


def stop_topology(serve: subprocess.Popen) -> None:
    serve.send_signal(signal.SIGTERM)
    try:
        serve.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()


def manage(*arguments: str) -> subprocess.CompletedProcess:
    """manage.py with the web processes' environment (deploy/serve manage)."""
    return subprocess.run(
        [PYTHON, ROOT / "deploy" / "serve", "manage", *arguments],
        cwd=ROOT,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def query(sql: str, *parameters) -> list[tuple]:
    url = urllib.parse.urlparse(DATABASE_URL)
    connection = psycopg2.connect(
        dbname=url.path.lstrip("/"), host=url.hostname, port=url.port or 5432, user=url.username
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
    finally:
        connection.close()


def poll(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SmokeFailure(f"not within {seconds}s: {what}")
        time.sleep(0.3)


# --- The checks -----------------------------------------------------------------------------


def check_pages_and_headers() -> None:
    status, headers, home = request("GET", "/")
    check(status == 200, "home page served through nginx")
    check(
        "frame-ancestors 'none'" in headers.get("content-security-policy", ""),
        "Content-Security-Policy with frame-ancestors",
    )
    check(headers.get("x-content-type-options") == "nosniff", "X-Content-Type-Options")
    check(headers.get("referrer-policy") == "same-origin", "Referrer-Policy")
    check(headers.get("x-frame-options") == "DENY", "X-Frame-Options")
    check("max-age=" in headers.get("strict-transport-security", ""), "HSTS over https")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home)
    check(stylesheet is not None, "the home page links a stylesheet")
    status, headers, _ = request("GET", stylesheet.group(1))
    check(
        status == 200 and "immutable" in headers.get("cache-control", ""),
        "hashed static file served with a year's cache",
    )
    check(request("GET", f"/events/{EVENT_SLUG}/")[0] == 200, "event page served")
    plain = http.client.HTTPConnection(HOST, HTTP_PORT, timeout=REQUEST_TIMEOUT)
    plain.request("GET", "/")
    redirect = plain.getresponse()
    check(
        redirect.status == 301 and redirect.getheader("Location", "").startswith("https://"),
        "plain http redirected to https",
    )
    plain.close()


def check_deploy_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    if result.returncode != 0:
        raise SmokeFailure(f"check --deploy is not clean:\n{result.stdout}{result.stderr}")
    check(True, "check --deploy --fail-level WARNING clean")


def create_event() -> int:
    result = manage("shell", "-c", CREATE_EVENT)
    if result.returncode != 0:
        raise SmokeFailure(f"could not create the event:\n{result.stderr}")
    return int(result.stdout.strip().splitlines()[-1])


def register_at_once() -> Counter:
    """REGISTRATIONS browsers each fetch the form, then all send it at the same moment."""
    start = threading.Barrier(REGISTRATIONS, timeout=START_SECONDS)

    def one(number: int) -> int:
        sender = FormSender()
        start.wait()
        return sender.post(number)

    with ThreadPoolExecutor(max_workers=REGISTRATIONS) as pool:
        return Counter(pool.map(one, range(REGISTRATIONS)))


def check_seats(event_id: int, statuses: Counter) -> None:
    check(
        set(statuses) <= {200, 302},
        f"{REGISTRATIONS} registrations answered without errors: {dict(statuses)}",
    )
    by_status = dict(
        query(
            "SELECT status, count(*) FROM registrations_registration WHERE event_id = %s "
            "GROUP BY status",
            event_id,
        )
    )
    check(by_status.get("confirmed") == SEATS, f"exactly {SEATS} confirmed: {by_status}")


def check_mail_sent_once(event_id: int) -> None:
    """After the workers have done every task: one message per registration, none twice."""

    def tasks_done() -> bool:
        (waiting,) = query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        )[0]
        return waiting == 0

    poll(tasks_done, MAIL_SECONDS, "the mail workers have done every task")
    failed = query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
    )[0][0]
    check(failed == 0, "no mail task failed")
    registered = {
        address
        for (address,) in query(
            "SELECT email FROM registrations_registration WHERE event_id = %s", event_id
        )
    }
    sent = Counter(recipient for recipient in mail_recipients() if recipient in registered)
    check(
        set(sent) == registered and set(sent.values()) == {1},
        f"one mail to each of {len(registered)} registrations, none twice",
    )


def mail_recipients() -> list[str]:
    """The To of every message the file backend wrote (a line of 79 dashes ends each one)."""
    recipients = []
    for message_file in (RUN_DIR / "mail").glob("*.log"):
        for text in message_file.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
            if text.strip():
                recipients.append(email.message_from_string(text)["To"])
    return recipients


def check_rate_limits_across_processes(posts_so_far: int) -> None:
    """Sequential POSTs, which nginx spreads over both web processes in turn."""
    log_start = (RUN_DIR / "nginx-access.log").stat().st_size
    sender = FormSender()
    same_address = "aino.jarvenpaa@cluster-fi.example.eu"
    answers = [sender.post(10_000 + i, same_address) for i in range(POSTS_PER_EMAIL + 2)]
    check(
        429 not in answers[:POSTS_PER_EMAIL] and answers[POSTS_PER_EMAIL:] == [429, 429],
        f"per-address limit after {POSTS_PER_EMAIL} POSTs: {answers}",
    )
    posts_so_far += len(answers)
    left = POSTS_PER_IP - posts_so_far
    answers = [sender.post(20_000 + i) for i in range(left + 1)]
    check(
        429 not in answers[:left] and answers[left] == 429,
        f"per-client limit at exactly POST {POSTS_PER_IP + 1}: {answers}",
    )
    with open(RUN_DIR / "nginx-access.log", encoding="utf-8") as access_log:
        access_log.seek(log_start)
        upstreams = {
            line.rsplit(" ", 1)[1].strip() for line in access_log if f"POST {FORM_PATH}" in line
        }
    check(upstreams == WEB_UPSTREAMS, f"both web processes counted: {sorted(upstreams)}")


def main() -> int:
    started = time.monotonic()
    reset_state()
    RUN_DIR.mkdir(exist_ok=True)
    serve_log = RUN_DIR / "smoke-serve.log"
    with open(serve_log, "w", encoding="utf-8") as log_file:
        serve = start_topology(log_file)
        try:
            wait_until_served(serve)
            event_id = create_event()
            check_pages_and_headers()
            check_deploy_settings()
            statuses = register_at_once()
            check_seats(event_id, statuses)
            check_mail_sent_once(event_id)
            check_rate_limits_across_processes(posts_so_far=REGISTRATIONS)
        except (SmokeFailure, OSError, subprocess.SubprocessError, psycopg2.Error) as error:
            print(f"FAILED: {error}\n--- deploy/serve's output (last lines):", flush=True)
            print("".join(serve_log.read_text(encoding="utf-8").splitlines(True)[-40:]))
            return 1
        finally:
            stop_topology(serve)
    print(f"smoke test passed in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
