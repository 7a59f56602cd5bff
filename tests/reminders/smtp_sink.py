"""A real SMTP server for the tests and the bench: aiosmtpd in a thread, keeping what it got."""

from __future__ import annotations

import asyncio
import email
import threading
from collections import Counter

from aiosmtpd.controller import Controller

from devtools.processes import free_port


class Sink:
    def __init__(self, delay: float = 0.0, refuse: dict[str, str] | None = None):
        self.delay = delay  # seconds per message: widens the window a kill can land in
        self.refuse = refuse or {}  # recipient -> the reply refusing it ("550 No such user")
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self.recipients: list[str] = []
        self.subjects: list[str] = []
        self.peers: list[tuple] = []  # the client's (host, port) per message: its connection

    # aiosmtpd calls these by their names.
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.message_ids.append(message["Message-ID"])
            self.recipients.extend(envelope.rcpt_tos)
            self.subjects.append(str(message["Subject"]))
            self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)

    def copies(self) -> Counter:
        with self.lock:
            return Counter(self.message_ids)


class SmtpServer:
    def __init__(self, delay: float = 0.0, refuse: dict[str, str] | None = None):
        self.sink = Sink(delay, refuse)
        self.port = free_port(20250, 20350)
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
