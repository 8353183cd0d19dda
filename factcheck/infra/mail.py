"""Sending e-mail over SMTP (the standard library's smtplib and email packages).

Mail is off until `FACTCHECK_MAIL_SERVER` is set; then every message goes to that server,
over STARTTLS (`_MAIL_USE_TLS`) or implicit TLS (`_MAIL_USE_SSL`), signed in when a user
name is set. Messages are built and sent by background jobs, never inside a request.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from ..i18n import _

SMTP_TIMEOUT = 30.0  # seconds for each exchange with the server


class MailError(Exception):
    """The server refused the message or could not be reached; the job is retried."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how mail is sent (from the FACTCHECK_MAIL_* settings)."""

    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    sender: str

    def describe(self) -> str:
        """The server as an administrator recognises it (never the password)."""
        security = "SSL" if self.use_ssl else "STARTTLS" if self.use_tls else _("no encryption")
        return f"{self.server}:{self.port} ({security})"


def _flag(value: object) -> bool:
    # From the environment every setting is a string: "0", "false" and "" mean no.
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def mail_settings(config: Mapping) -> MailSettings | None:
    """The mail settings of a configuration, or None when no mail server is configured."""
    server = (config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    use_ssl = _flag(config.get("MAIL_USE_SSL"))
    port = config.get("MAIL_PORT")
    default_port = 465 if use_ssl else 587 if _flag(config.get("MAIL_USE_TLS")) else 25
    sender = (config.get("MAIL_DEFAULT_SENDER") or "").strip() or f"factcheck@{server}"
    return MailSettings(server=server, port=int(port) if port else default_port,
                        use_tls=_flag(config.get("MAIL_USE_TLS")), use_ssl=use_ssl,
                        username=(config.get("MAIL_USERNAME") or None),
                        password=(config.get("MAIL_PASSWORD") or None), sender=sender)


def build_message(*, settings: MailSettings, sender_name: str, to: str, subject: str,
                  text: str, html: str, headers: Mapping[str, str] | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML) from the desk to `to`."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, settings.sender))
    message["To"] = to
    message["Subject"] = subject
    domain = settings.sender.rpartition("@")[2] or None
    # A stable Message-ID (one per notification) lets a mailbox drop the copy a crash
    # between sending and recording could cause.
    message["Message-ID"] = (f"<{message_id}@{domain or 'factcheck'}>" if message_id
                             else make_msgid(domain=domain))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_message(settings: MailSettings, message: EmailMessage) -> None:
    """Hand `message` to the SMTP server; raises MailError when it is not accepted."""
    context = ssl.create_default_context()
    try:
        if settings.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port,
                                                  timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=SMTP_TIMEOUT)
        with smtp:
            if settings.use_tls and not settings.use_ssl:
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
    if refused:
        raise MailError(f"recipients refused: {', '.join(sorted(refused))}")
