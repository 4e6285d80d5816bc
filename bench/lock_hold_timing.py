"""Gunicorn config for bench/registration_burst.py: how long each transaction holds the event lock.

`gunicorn -c bench/lock_hold_timing.py ...` with BENCH_LOCK_TIMES_DIR set. In each worker, once
the application is loaded, the locking functions of registrations.services.registration are
wrapped (the services call them by their module-global name): the first locking call of a
transaction notes the time it returned (the lock is held from then on), and the end comes when
the transaction commits (transaction.on_commit) or rolls back (the connection's rollback). Each
worker appends the hold times, in milliseconds, one a line, to <pid>.txt in that directory.
Nothing in the project's code is changed; only the benchmark's worker processes are patched.
"""

import functools
import os
import time

# Gunicorn settings: no control socket, whose default path is shared by every gunicorn of the
# user (the benchmark runs two, and others may run theirs). Older gunicorns ignore the name.
control_socket_disable = True

# Every name here that the services module has is wrapped; the rest are skipped.
LOCKING_FUNCTIONS = ["lock_event", "take_seat"]

_ACQUIRED_AT = "_bench_lock_acquired_at"


def _record(connection) -> None:
    acquired_at = getattr(connection, _ACQUIRED_AT, None)
    if acquired_at is None:
        return
    held_ms = (time.perf_counter() - acquired_at) * 1000
    setattr(connection, _ACQUIRED_AT, None)
    path = os.path.join(os.environ["BENCH_LOCK_TIMES_DIR"], f"{os.getpid()}.txt")
    with open(path, "a") as times:
        times.write(f"{held_ms:.4f}\n")


def _timed(function):
    from django.db import transaction

    @functools.wraps(function)
    def locking(*args, **kwargs):
        result = function(*args, **kwargs)
        connection = transaction.get_connection()
        if connection.in_atomic_block and getattr(connection, _ACQUIRED_AT, None) is None:
            setattr(connection, _ACQUIRED_AT, time.perf_counter())
            transaction.on_commit(lambda: _record(connection))
        return result

    return locking


def _recording_rollback(rollback):
    @functools.wraps(rollback)
    def rollback_and_record(self):
        try:
            return rollback(self)
        finally:
            _record(self)

    return rollback_and_record


def post_worker_init(worker):
    from django.db import DEFAULT_DB_ALIAS, connections

    from registrations.services import registration as services

    for name in LOCKING_FUNCTIONS:
        if hasattr(services, name):
            setattr(services, name, _timed(getattr(services, name)))
    wrapper_class = type(connections[DEFAULT_DB_ALIAS])
    wrapper_class.rollback = _recording_rollback(wrapper_class.rollback)
