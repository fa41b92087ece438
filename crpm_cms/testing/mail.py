"""A real SMTP server on loopback that keeps what it receives, for tests of sent mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any


class Inbox:
    """The messages the server accepted, parsed, in the order they came."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def body(self, index: int = -1) -> str:
        payload = self.messages[index].get_payload(decode=True)
        return payload.decode() if isinstance(payload, bytes) else str(payload)


def free_port() -> int:
    with socket.socket() as probe:  # aiosmtpd cannot report a port chosen by the OS
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int | None = None,
                inbox: Inbox | None = None) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 while the block runs: its inbox and port. Give the ``port``
    and ``inbox`` of a server stopped earlier to start it again (an outage and its end)."""
    from aiosmtpd.controller import Controller  # only the tests that send mail need aiosmtpd

    inbox = inbox or Inbox()
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
