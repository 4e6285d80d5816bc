"""A real SMTP server on localhost (aiosmtpd) for tests that run the worker as a process of its
own: it records what it accepted and can hold a chosen mail unanswered."""

import asyncio
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class SmtpSink:
    """Accepts every mail, except that the `hold_at`-th one (counted from 1) is held: the server
    neither accepts nor refuses it until `release` is set, then answers "451, try again"."""

    hold_at: int | None = None
    accepted: list[str] = field(default_factory=list)  # one recipient per mail, in order
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _received: int = 0

    async def handle_DATA(self, server, session, envelope):
        self._received += 1
        if self._received == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 4.3.0 Try again later"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_sink(sink: SmtpSink) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
