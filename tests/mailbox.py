"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.

    with Mailbox() as box:                       # or the `mailbox` fixture
        app = make_app(**box.config)             # FACTCHECK_MAIL_* pointing at it
        ...
        [message] = box.messages                 # email.message.EmailMessage objects
        box.refuse_next(2)                       # the next 2 mails get "451 try later"
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .serving import free_port


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, _server, _session, envelope) -> str:
        with self.box.lock:
            if self.box.refusals > 0:
                self.box.refusals -= 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.box.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class Mailbox:
    """An SMTP server for one test; `messages` lists what it accepted, oldest first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refusals = 0
        self.port = free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def config(self) -> dict:
        """The app settings that send mail here."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port,
                "MAIL_DEFAULT_SENDER": "desk@factcheck.example"}

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message for _rcpt, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope went to `address`."""
        with self.lock:
            return [m for rcpt, m in self.received if address in rcpt]

    def refuse_next(self, n: int) -> None:
        """Answer the next `n` messages with a temporary failure (451)."""
        with self.lock:
            self.refusals = n

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()


def text_of(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    """The HTML part of a message."""
    return message.get_body(preferencelist=("html",)).get_content()
