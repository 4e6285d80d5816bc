r"""A burst of registrations at the running app (gunicorn + PostgreSQL) against two baselines with
the same number of concurrent clients: a minimal Django endpoint on the same stack, and plain
INSERTs of the same rows through psycopg2.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench \
    .venv/bin/python bench/registration_burst.py
It creates a scratch database (<name>_burst) and starts two gunicorns with the same command and
worker count: the app on 127.0.0.1:8104 and the minimal endpoint (bench/minimal_endpoint: a
ModelForm of the same eight person fields, CSRF, one INSERT) on 127.0.0.1:8110. Then, from
CLIENTS threads:
- PAGE_VIEWS GETs of the event page and as many of the registration form page;
- REGISTRATIONS form posts to the app, then to the minimal endpoint (each client first GETs the
  form for its CSRF cookie and token);
- the same rows as single-row INSERTs.
It prints throughput, median and p99 latency and the ratios, and how long each registration held
the event lock (timed in the app's workers by bench/lock_hold_timing.py, a gunicorn config), then
stops and drops everything it started. Mail goes to Django's dummy backend.
"""

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registrations.tokens import new_token

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", 8104
MINIMAL_PORT = 8110
CLIENTS = 16
REGISTRATIONS = 600
PAGE_VIEWS = 400
WORKERS = 4
DEADLINE_SECONDS = 360
REQUEST_TIMEOUT = 15
EVENT_PAGE = "/events/burst/"
FORM_PAGE = "/events/burst/register/"
MINIMAL_FORM = "/register/"


def database_settings() -> tuple[dict, str]:
    url = urllib.parse.urlparse(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/x")
    server = {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password or "",
    }
    scratch = f"{url.path.lstrip('/') or 'eventsite'}_burst"
    return server, scratch


def admin_sql(server: dict, statement: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def app_environment(server: dict, scratch: str, settings: str = "eventsite.settings") -> dict:
    password = f":{server['password']}" if server["password"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{scratch}"
        ),
        "SECRET_KEY": "bench-only-secret-key",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        # A burst from one client at machine speed: neither a bot nor an abuser here.
        "RATE_LIMITS": "false",
        "PUBLIC_FORM_MIN_FILL_SECONDS": "0",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


SETUP_EVENT = """
from datetime import timedelta
from django.utils import timezone
from registrations.models import Event
start = timezone.now() + timedelta(days=30)
Event.objects.create(
    slug="burst", title="Burst Forum", summary="Bench", organisers="ECCP", format="hybrid",
    venue="Estrel", city="Berlin", country="DE", start=start, end=start + timedelta(days=1),
    is_published=True, onsite_capacity=100000,
    registration_opens_at=timezone.now() - timedelta(hours=1),
)
"""


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    """The same command for the app and the minimal endpoint; the settings come from env."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "eventsite.wsgi",
            "--config=bench/lock_hold_timing.py",
            f"--workers={WORKERS}",
            f"--bind={HOST}:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn and its workers (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:  # the group is gone already
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def wait_until_up(process: subprocess.Popen, port: int, path: str, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not come up (in time)")


def row(number: int) -> dict:
    return {
        "first_name": "Łukasz",
        "last_name": f"Wójcik {number}",
        "email": f"burst{number}@cluster.example.pl",
        "organisation": "Klaster Łódź",
        "organisation_type": "cluster",
        "job_title": "Cluster manager",
        "country": "PL",
        "attendance_mode": "on_site",
    }


def split(numbers: list[int], parts: int) -> list[list[int]]:
    return [numbers[index::parts] for index in range(parts)]


def run_clients(
    prepare, send, deadline: float, count: int = REGISTRATIONS
) -> tuple[list[float], float, int]:
    """Each client prepares, waits at the barrier, then sends its rows; returns latencies."""
    barrier = threading.Barrier(CLIENTS + 1)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(numbers: list[int]) -> None:
        state = prepare()
        barrier.wait(timeout=60)
        for number in numbers:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            ok = send(state, number)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures[0] += not ok

    threads = [
        threading.Thread(target=client, args=(numbers,))
        for numbers in split(list(range(count)), CLIENTS)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 1))
    return latencies, time.perf_counter() - started, failures[0]


def form_poster(port: int, path: str, extra_fields: dict):
    """prepare and send for run_clients: GET the form once for the CSRF cookie and token, then
    POST one row per send; a redirect (302) is a stored row."""

    def prepare() -> dict:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        started = re.search(r'name="form_started" value="([^"]+)"', page)
        return {"cookie": cookie, "token": token, "started": started.group(1) if started else ""}

    def send(state: dict, number: int) -> bool:
        body = urllib.parse.urlencode(
            {
                **row(number),
                **extra_fields,
                "csrfmiddlewaretoken": state["token"],
                "form_started": state["started"],
                "website": "",
            }
        )
        return http_post(port, path, body, state["cookie"])

    return prepare, send


def page_getter(path: str):
    """prepare and send for run_clients: one GET of the page per send, 200 expected."""

    def send(state: None, number: int) -> bool:
        connection = http.client.HTTPConnection(HOST, PORT, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status == 200
        except OSError:
            return False
        finally:
            connection.close()

    return lambda: None, send


def http_post(port: int, path: str, body: str, cookie: str) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status == 302
    except OSError:
        return False
    finally:
        connection.close()


INSERT = """
INSERT INTO registrations_registration (
    event_id, first_name, last_name, email, organisation, organisation_type, job_title, country,
    attendance_mode, status, accessibility_needs, dietary_needs, source, token, join_token,
    checkin_token, consent_version, consented_at, created_at, updated_at
) VALUES (
    %(event_id)s, %(first_name)s, %(last_name)s, %(email)s, %(organisation)s,
    %(organisation_type)s, %(job_title)s, %(country)s, %(attendance_mode)s, 'confirmed', '', '',
    'direct', %(token)s, %(join_token)s, %(checkin_token)s, '2020-08', now(), now(), now()
)
"""


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def report(name: str, latencies: list[float], wall: float, failures: int) -> float:
    if not latencies:
        print(f"{name:<32} nothing sent before the deadline")
        return float("nan")
    throughput = (len(latencies) - failures) / wall
    print(
        f"{name:<32} {len(latencies) - failures:5d} ok {failures:3d} failed  "
        f"{throughput:8.1f}/s  median {statistics.median(latencies) * 1000:7.1f} ms  "
        f"p99 {p99(latencies) * 1000:7.1f} ms"
    )
    return throughput


def report_lock_hold_times(directory: Path) -> None:
    held = [float(line) for path in directory.glob("*.txt") for line in path.read_text().split()]
    if not held:
        print("event lock hold time: no lock was taken")
        return
    print(
        f"event lock hold time ({len(held)} transactions): median "
        f"{statistics.median(held):.2f} ms, p99 {p99(held):.2f} ms (aim: median under 3 ms)"
    )


def stored_rows(server: dict, scratch: str, table: str) -> int:
    database = psycopg2.connect(dbname=scratch, **server)
    try:
        with database.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
            return cursor.fetchone()[0]
    finally:
        database.close()


def main() -> None:
    server, scratch = database_settings()
    env = app_environment(server, scratch)
    minimal_env = app_environment(server, scratch, settings="bench.minimal_endpoint.settings")
    lock_times = Path(tempfile.mkdtemp(prefix="registration_burst_locks_"))
    env["BENCH_LOCK_TIMES_DIR"] = minimal_env["BENCH_LOCK_TIMES_DIR"] = str(lock_times)
    admin_sql(server, f'DROP DATABASE IF EXISTS "{scratch}"')
    admin_sql(server, f'CREATE DATABASE "{scratch}"')
    servers: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        # The minimal endpoint has no migrations: its table is made from the model.
        manage(minimal_env, "migrate", "--run-syncdb", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "shell", "-c", SETUP_EVENT)
        servers.append(start_gunicorn(env, PORT))
        servers.append(start_gunicorn(minimal_env, MINIMAL_PORT))
        deadline = time.monotonic() + DEADLINE_SECONDS
        wait_until_up(servers[0], PORT, FORM_PAGE, deadline)
        wait_until_up(servers[1], MINIMAL_PORT, MINIMAL_FORM, deadline)

        print(f"{PAGE_VIEWS} page views each, {CLIENTS} concurrent clients, {WORKERS} workers")
        pages = {
            path: report(f"GET {path}", *run_clients(*page_getter(path), deadline, PAGE_VIEWS))
            for path in (EVENT_PAGE, FORM_PAGE)
        }
        print(
            f"form page / event page throughput: {pages[FORM_PAGE] / pages[EVENT_PAGE]:.3f} "
            "(aim: at least 0.7)"
        )

        print(f"{REGISTRATIONS} registrations, {CLIENTS} concurrent clients, {WORKERS} workers")
        app = report(
            "app (gunicorn, form POST)",
            *run_clients(*form_poster(PORT, FORM_PAGE, {"consent": "on"}), deadline),
        )
        minimal = report(
            "minimal endpoint (same stack)",
            *run_clients(*form_poster(MINIMAL_PORT, MINIMAL_FORM, {}), deadline),
        )
        print(
            f"{'rows stored by the app':<32} "
            f"{stored_rows(server, scratch, 'registrations_registration'):5d}"
        )
        print(
            f"{'rows stored by the minimal one':<32} "
            f"{stored_rows(server, scratch, 'minimal_endpoint_registrant'):5d}"
        )

        database = psycopg2.connect(dbname=scratch, **server)
        database.autocommit = True
        with database.cursor() as cursor:
            cursor.execute("SELECT id FROM registrations_event WHERE slug = 'burst'")
            event_id = cursor.fetchone()[0]
            cursor.execute("DELETE FROM registrations_registration")
        database.close()

        def sql_prepare():
            connection = psycopg2.connect(dbname=scratch, **server)
            connection.autocommit = True  # one transaction per row, as in the app
            return connection

        def sql_send(connection, number: int) -> bool:
            with connection.cursor() as cursor:
                values = {
                    **row(number),
                    "event_id": event_id,
                    **{key: new_token() for key in ("token", "join_token", "checkin_token")},
                }
                cursor.execute(INSERT, values)
            return True

        raw = report("plain INSERTs (psycopg2)", *run_clients(sql_prepare, sql_send, deadline))
        print(f"app / minimal endpoint throughput: {app / minimal:.3f} (aim: at least 0.6)")
        print(f"app / plain INSERT throughput: {app / raw:.3f} (aim: at least 0.5)")
        report_lock_hold_times(lock_times)
    finally:
        for process in servers:
            stop(process)
        admin_sql(server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        for path in lock_times.glob("*.txt"):
            path.unlink()
        lock_times.rmdir()


if __name__ == "__main__":
    main()
