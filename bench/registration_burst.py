r"""A burst of registrations at the running app (gunicorn + PostgreSQL) against plain INSERTs of
the same rows through psycopg2, with the same number of concurrent clients.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench \
    .venv/bin/python bench/registration_burst.py
It creates a scratch database (<name>_burst), starts gunicorn on 127.0.0.1:8104, fires
REGISTRATIONS form posts from CLIENTS threads (each first GETs the form for its CSRF cookie and
token), then the same rows as single-row INSERTs, prints throughput, median and p99 latency and
the ratio, and stops and drops everything it started. Mail goes to Django's dummy backend.
"""

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registrations.tokens import new_token

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", 8104
CLIENTS = 16
REGISTRATIONS = 600
WORKERS = 4
DEADLINE_SECONDS = 180
REQUEST_TIMEOUT = 15


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


def app_environment(server: dict, scratch: str) -> dict:
    password = f":{server['password']}" if server["password"] else ""
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{scratch}"
        ),
        "SECRET_KEY": "bench-only-secret-key",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
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


def wait_until_up(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/events/burst/register/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up in time")


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


def run_clients(prepare, send, deadline: float) -> tuple[list[float], float, int]:
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
        for numbers in split(list(range(REGISTRATIONS)), CLIENTS)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 1))
    return latencies, time.perf_counter() - started, failures[0]


def http_prepare() -> dict:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=REQUEST_TIMEOUT)
    connection.request("GET", "/events/burst/register/")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return {"cookie": cookie, "token": token}


def http_send(state: dict, number: int) -> bool:
    body = urllib.parse.urlencode(
        {**row(number), "consent": "on", "csrfmiddlewaretoken": state["token"]}
    )
    connection = http.client.HTTPConnection(HOST, PORT, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(
            "POST",
            "/events/burst/register/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={state['cookie']}",
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
    attendance_mode, status, accessibility_needs, dietary_needs, source, token,
    consent_version, consented_at, created_at, updated_at
) VALUES (
    %(event_id)s, %(first_name)s, %(last_name)s, %(email)s, %(organisation)s,
    %(organisation_type)s, %(job_title)s, %(country)s, %(attendance_mode)s, 'confirmed', '', '',
    'direct', %(token)s, '2020-08', now(), now(), now()
)
"""


def report(name: str, latencies: list[float], wall: float, failures: int) -> float:
    throughput = (len(latencies) - failures) / wall
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<28} {len(latencies) - failures:5d} ok {failures:3d} failed  "
        f"{throughput:8.1f}/s  median {statistics.median(ordered) * 1000:7.1f} ms  "
        f"p99 {p99 * 1000:7.1f} ms"
    )
    return throughput


def main() -> None:
    server, scratch = database_settings()
    env = app_environment(server, scratch)
    admin_sql(server, f'DROP DATABASE IF EXISTS "{scratch}"')
    admin_sql(server, f'CREATE DATABASE "{scratch}"')
    gunicorn = None
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "shell", "-c", SETUP_EVENT)
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "eventsite.wsgi",
                f"--workers={WORKERS}",
                f"--bind={HOST}:{PORT}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + DEADLINE_SECONDS
        wait_until_up(deadline)
        print(f"{REGISTRATIONS} registrations, {CLIENTS} concurrent clients, {WORKERS} workers")
        app = report("app (gunicorn, form POST)", *run_clients(http_prepare, http_send, deadline))

        database = psycopg2.connect(dbname=scratch, **server)
        database.autocommit = True
        with database.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registrations_registration")
            stored = cursor.fetchone()[0]
            cursor.execute("SELECT id FROM registrations_event WHERE slug = 'burst'")
            event_id = cursor.fetchone()[0]
            cursor.execute("DELETE FROM registrations_registration")
        database.close()
        print(f"{'rows stored by the app':<28} {stored:5d}")

        def sql_prepare():
            connection = psycopg2.connect(dbname=scratch, **server)
            connection.autocommit = True  # one transaction per row, as in the app
            return connection

        def sql_send(connection, number: int) -> bool:
            with connection.cursor() as cursor:
                values = {**row(number), "event_id": event_id, "token": new_token()}
                cursor.execute(INSERT, values)
            return True

        raw = report("plain INSERTs (psycopg2)", *run_clients(sql_prepare, sql_send, deadline))
        print(f"app / plain INSERT throughput: {app / raw:.3f} (aim: at least 0.5)")
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        admin_sql(server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


if __name__ == "__main__":
    main()
