"""A real local SMTP server (aiosmtpd) for the email connector's tests.

It speaks SMTP as RFC 5321 describes it and records what it accepted. Behaviour is steered by addresses
and attributes, so a test can produce each reply the connector has to classify:

* recipients at ``refused.test`` → ``550 5.1.1`` (mailbox unavailable), at ``busy.test`` → ``450 4.2.1``,
  at ``slow.test`` → the ``RCPT`` reply is delayed by ``delay`` seconds (a timeout before ``DATA``);
* senders at ``blocked.test`` → ``553 5.7.1``;
* ``data_reply`` replaces the reply to the message (e.g. ``"451 4.3.0 Try later"``), ``data_delay`` delays it
  (a timeout after ``DATA``);
* ``users`` turns on ``AUTH`` (LOGIN/PLAIN, ``auth_require_tls=False``) and requires it; a wrong password
  gets ``535 5.7.8``;
* ``bulk_sender_policy`` (on by default) refuses the message, after ``DATA``, as a receiving mail system that
  enforces the bulk-sender rules does: without ``List-Unsubscribe`` holding an ``https:`` URI and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058 §3.1, https://www.rfc-editor.org/rfc/rfc8058;
  required of senders of 5,000+ messages a day by Gmail, https://support.google.com/a/answer/81126 and
  https://support.google.com/a/answer/15263077, and by Yahoo, https://senders.yahooinc.com/best-practices/ —
  all read 2026-12-08), or with a ``Message-ID`` missing or not in the From address's domain (RFC 5322 §3.6.4:
  the right side identifies the sender's domain so the id is unique; ``*.local`` is a link-local mDNS name,
  RFC 6762, that identifies no one) → ``550 5.7.1``;
* ``tls=True`` offers ``STARTTLS`` with a self-signed certificate; ``implicit_tls=True`` speaks TLS from the
  first byte (port 465 style). ``client_context()`` trusts that certificate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import socket
import ssl
import tempfile
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOSTNAME = "127.0.0.1"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    authenticated_as: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """aiosmtpd handler hooks (``handle_MAIL``, ``handle_RCPT``, ``handle_DATA``) that record and misbehave on cue."""

    received: list[Received] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    data_reply: str = ""
    data_delay: float = 0.0
    delay: float = 0.0
    bulk_sender_policy: bool = True

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:
        self.commands.append(f"MAIL {address}")
        if address.endswith("@blocked.test"):
            return "553 5.7.1 Sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:
        self.commands.append(f"RCPT {address}")
        if address.endswith("@refused.test"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.endswith("@busy.test"):
            return "450 4.2.1 Mailbox busy, try again later"
        if address.endswith("@slow.test"):
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.commands.append("DATA")
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_reply:
            return self.data_reply
        if self.bulk_sender_policy and (refusal := bulk_sender_refusal(envelope.original_content or b"")):
            return refusal
        self.received.append(
            Received(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                data=envelope.original_content or b"",
                authenticated_as=session.auth_data if session.authenticated else None,
            )
        )
        return "250 2.0.0 Ok: queued"


def bulk_sender_refusal(data: bytes) -> str:
    """The ``550`` a bulk-sender policy answers for ``data``, or "" when the message passes."""
    message = message_from_bytes(data, policy=policy.default)
    unsubscribe = str(message.get("List-Unsubscribe", "") or "")
    uris = [part.strip().strip("<>") for part in unsubscribe.split(",") if part.strip()]
    if not any(uri.startswith("https://") for uri in uris):
        return "550 5.7.1 Bulk mail must carry a List-Unsubscribe header with an https one-click URI (RFC 8058)"
    if " ".join(str(message.get("List-Unsubscribe-Post", "")).split()) != "List-Unsubscribe=One-Click":
        return "550 5.7.1 Bulk mail must carry List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058)"
    from_header = str(message.get("From", "") or "")
    from_domain = from_header.rsplit("@", 1)[-1].strip(" >").lower()
    message_id = str(message.get("Message-ID", "") or "").strip()
    id_domain = message_id.rsplit("@", 1)[-1].rstrip(">").lower() if "@" in message_id else ""
    aligned = bool(id_domain) and (
        id_domain == from_domain or id_domain.endswith("." + from_domain) or from_domain.endswith("." + id_domain)
    )
    if not message_id.startswith("<") or not aligned or id_domain.endswith(".local"):
        return f"550 5.7.1 Message-ID {message_id or '(none)'} is not in the sender's domain {from_domain}"
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOSTNAME, 0))
        return int(probe.getsockname()[1])


class _Authenticator:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        if self.users.get(login) == password:
            return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTNAME)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOSTNAME))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class FakeSMTP:
    """``with FakeSMTP(users={"news": "pw"}) as smtp: ... smtp.port ... smtp.handler.received``."""

    def __init__(self, *, users: dict[str, str] | None = None, tls: bool = False, implicit_tls: bool = False) -> None:
        self.handler = Handler()
        self.users = users
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.port = 0
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._controller: Controller | None = None
        self.cert_path: Path | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's certificate (what the connector gets in tests)."""
        assert self.cert_path is not None, "start the server with tls=True or implicit_tls=True"
        return ssl.create_default_context(cafile=str(self.cert_path))

    def __enter__(self) -> FakeSMTP:
        kwargs: dict[str, Any] = {}
        server_context: ssl.SSLContext | None = None
        if self.tls or self.implicit_tls:
            self._directory = tempfile.TemporaryDirectory()
            self.cert_path, key_path = self_signed(Path(self._directory.name))
            server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_context.load_cert_chain(str(self.cert_path), str(key_path))
        if self.tls:
            kwargs.update(tls_context=server_context, require_starttls=False)
        if self.implicit_tls:
            kwargs["ssl_context"] = server_context
        if self.users is not None:
            kwargs.update(authenticator=_Authenticator(self.users), auth_required=True, auth_require_tls=False)
        self.port = free_port()
        self._controller = Controller(self.handler, hostname=HOSTNAME, port=self.port, ready_timeout=5.0, **kwargs)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._controller is not None:
            self._controller.stop()
        if self._directory is not None:
            self._directory.cleanup()
