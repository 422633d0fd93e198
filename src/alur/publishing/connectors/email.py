"""Email newsletter: sends one post as an email over SMTP (``smtplib``), to a list address or a few people.

Documentation followed:

* SMTP — RFC 5321 https://www.rfc-editor.org/rfc/rfc5321 (reply codes: 2xx done, 4xx transient, 5xx
  permanent, §4.2.1; the DATA transaction, §4.1.1.4) and RFC 3207 https://www.rfc-editor.org/rfc/rfc3207
  (STARTTLS); implicit TLS on port 465: RFC 8314 https://www.rfc-editor.org/rfc/rfc8314
* Python's client — https://docs.python.org/3/library/smtplib.html (``SMTP``, ``SMTP_SSL``, ``starttls``,
  ``login``, ``noop``, ``sendmail`` and its exceptions) and https://docs.python.org/3/library/email.message.html
* Message format — RFC 5322 https://www.rfc-editor.org/rfc/rfc5322 (``Message-ID``, §3.6.4) and RFC 2046
  (``multipart/alternative``: a plain-text part, then a simple HTML part)

How a post goes out:

1. Connect to ``host:port`` — ``security`` is ``starttls`` (default, port 587: plain connect, then
   ``STARTTLS``), ``ssl`` (implicit TLS, port 465) or ``none`` (port 25, local relays only) — and log in
   with ``username`` / ``password`` when a username is set.
2. ``MAIL FROM`` the ``from_address``, ``RCPT TO`` every address in ``to_addresses`` (a list address, or a
   comma-separated list; several people are sent as ``undisclosed-recipients`` so they do not see each
   other), then ``DATA`` with the message.
3. Subject: the payload's title, else the first line of the text. Body: ``multipart/alternative`` with the
   text (hashtags and link included) and a simple HTML version (text escaped, URLs made links, images shown
   from their public URLs), each ending with a visible unsubscribe link. ``Message-ID: <idempotency
   key@domain>`` — the domain is ``message_id_domain`` when set, else the From address's — is the same on
   every retry, so receivers and list software that de-duplicate on it drop a second copy.
4. One-click unsubscribe, RFC 8058 (https://www.rfc-editor.org/rfc/rfc8058) and RFC 2369, required of bulk
   senders by Gmail (https://support.google.com/a/answer/81126, /answer/15263077) and Yahoo
   (https://senders.yahooinc.com/best-practices/), read 2026-12-08: ``List-Unsubscribe: <unsubscribe_url>``
   (an ``https:`` URL that unsubscribes on a POST of ``List-Unsubscribe=One-Click``, e.g. the list software's),
   plus ``<mailto:unsubscribe_email>`` when set, and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``.
   Without an ``https:`` unsubscribe URL the newsletter is refused before anything is sent.

Errors: ``SMTPAuthenticationError`` → :class:`AuthError`; a refused sender or refused recipients and any
other 5xx reply → :class:`PermanentError` with the server's text; 4xx replies, a refused connection or a
timeout before ``DATA`` → :class:`TransientError`; a timeout or a dropped connection once ``DATA`` was
sent → :class:`OutcomeUnknown` (the server may have accepted the message).

Not supported: SMTP cannot be asked whether a message was delivered (``can_find`` is False, so an
unknown outcome is failed with a reason instead of risking a second email), and a sent email cannot be
taken back (no ``delete``). SMTP has no idempotency key the server honours; the ``Message-ID`` only lets
receivers de-duplicate. Videos are not sent (attachments are not how newsletters carry video).
"""

from __future__ import annotations

import contextlib
import html
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, getaddresses
from typing import Any

from .base import (
    AuthError,
    Capabilities,
    Connector,
    ConnectorError,
    OutcomeUnknown,
    Payload,
    PermanentError,
    Published,
    TransientError,
    gettext_noop,
)

DOCS = "https://docs.python.org/3/library/smtplib.html"
RFC_5321 = "https://www.rfc-editor.org/rfc/rfc5321"
SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 20.0
ONE_CLICK = "List-Unsubscribe=One-Click"
MAX_MEDIA = 10
MAX_SUBJECT = 200

# How the connector builds its TLS context (tests replace it to trust a local certificate).
tls_context: Callable[[], ssl.SSLContext] = ssl.create_default_context

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


def message_id(idempotency_key: str, domain: str) -> str:
    """``<KEY@domain>``: the key reduced to the characters RFC 5322 allows in a Message-ID."""
    local = _NOT_ATEXT.sub("-", idempotency_key).strip(".") or "post"
    local = re.sub(r"\.{2,}", ".", local)
    return f"<{local}@{domain}>"


def linkify(text: str) -> str:
    """Escape ``text`` for HTML and turn its URLs into links."""
    parts = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(html.escape(text[position : match.start()]))
        url = html.escape(match.group(0))
        parts.append(f'<a href="{url}">{url}</a>')
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)


class _SMTP(smtplib.SMTP):
    """``smtplib.SMTP`` that remembers whether ``DATA`` was sent (after it, a failure is an unknown outcome)."""

    data_sent = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.data_sent = True
        return super().data(msg)


class _SMTPSSL(smtplib.SMTP_SSL):
    data_sent = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.data_sent = True
        return super().data(msg)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def classify_reply(code: int, message: bytes | str, *, action: str) -> ConnectorError:
    """An SMTP reply code as an error class: 4xx transient, 5xx (and anything else) permanent."""
    text = _text(message).strip() or "no explanation"
    detail = f"SMTP {code}: {text}"
    if 400 <= code < 500:
        return TransientError(
            f"The mail server is temporarily refusing to {action} ({code} {text}); Alur will try again.",
            status=code,
            detail=detail,
        )
    return PermanentError(f"The mail server refused to {action}: {code} {text}", status=code, detail=detail)


class EmailConnector(Connector):
    key = "email"
    label = "Email newsletter (SMTP)"
    capabilities = Capabilities(
        media_types=frozenset({"image"}),  # shown in the HTML part from their public URLs
        max_media=MAX_MEDIA,
        max_text=None,
        can_delete=False,  # a sent email cannot be recalled
        can_find=False,  # SMTP cannot be asked whether a message arrived
        idempotency_key=False,  # the Message-ID lets receivers de-duplicate; the server does not
        refreshes_tokens=False,
        rate_limits=(),  # set by each mail provider, not by SMTP
        docs=DOCS,
    )
    fields = (
        ("host", gettext_noop("SMTP server (e.g. smtp.example.com)"), False, True),
        ("port", gettext_noop("Port (587 for STARTTLS, 465 for SSL, 25 for none)"), False, False),
        ("security", gettext_noop("Security: starttls, ssl or none (default starttls)"), False, False),
        ("username", gettext_noop("User name (leave empty if the server needs no login)"), False, False),
        ("from_address", gettext_noop("From address (e.g. Kopi Kita <news@kopi.id>)"), False, True),
        ("to_addresses", gettext_noop("To: a list address, or addresses separated by commas"), False, True),
        ("reply_to", gettext_noop("Reply-To address (optional)"), False, False),
        (
            "unsubscribe_url",
            gettext_noop("One-click unsubscribe URL (https; unsubscribes on a POST, e.g. your list software's)"),
            False,
            True,
        ),
        ("unsubscribe_email", gettext_noop("Unsubscribe email address (optional)"), False, False),
        ("message_id_domain", gettext_noop("Message-ID domain (optional; default: the From address's domain)"), False, False),
        ("password", gettext_noop("Password"), True, False),
    )

    # -- settings
    def security(self) -> str:
        value = str(self.account.setting("security", "") or "starttls").strip().lower()
        if value not in SECURITY_MODES:
            raise PermanentError(
                f"The email security '{value}' is not one of {', '.join(SECURITY_MODES)}; fix the account settings."
            )
        return value

    def host(self) -> str:
        host = str(self.account.setting("host", "") or "").strip()
        if not host:
            raise PermanentError("The email account has no SMTP server; add it in the account settings.")
        return host

    def port(self) -> int:
        value = self.account.setting("port", "")
        if value in ("", None):
            return DEFAULT_PORTS[self.security()]
        try:
            port = int(value)
        except (TypeError, ValueError):
            port = 0
        if not 0 < port < 65536:
            raise PermanentError(f"The SMTP port '{value}' is not a port number; fix the account settings.")
        return port

    def timeout(self) -> float:
        value = self.account.setting("timeout_seconds", "")
        return float(value) if value else DEFAULT_TIMEOUT

    def sender(self) -> str:
        value = str(self.account.setting("from_address", "") or "").strip()
        addresses = _addresses(value)
        if len(addresses) != 1:
            raise PermanentError("The email account needs one From address (e.g. news@kopi.id); fix the account settings.")
        return value

    def message_id_domain(self) -> str:
        configured = str(self.account.setting("message_id_domain", "") or "").strip().strip(".").lower()
        if configured:
            if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+", configured):
                raise PermanentError(f"The Message-ID domain '{configured}' is not a domain name; fix the account settings.")
            return configured
        return _addresses(self.sender())[0].rsplit("@", 1)[-1].lower()

    def unsubscribe(self) -> tuple[str, str]:
        """``(the List-Unsubscribe header, the https URL)``; refused without an https URL (RFC 8058 §3.1)."""
        url = str(self.account.setting("unsubscribe_url", "") or "").strip()
        if not url:
            raise PermanentError(
                "The email account has no one-click unsubscribe URL; Gmail and Yahoo require one of bulk senders "
                "(RFC 8058). Add your list's https unsubscribe URL in the account settings."
            )
        if not url.startswith("https://") or any(char in url for char in " <>,"):
            raise PermanentError(f"The unsubscribe URL '{url}' must be a plain https URL (RFC 8058); fix the account settings.")
        uris = [f"<{url}>"]
        mailbox = str(self.account.setting("unsubscribe_email", "") or "").strip()
        if mailbox:
            if len(_addresses(mailbox)) != 1:
                raise PermanentError(f"The unsubscribe address '{mailbox}' is not an email address; fix the account settings.")
            uris.append(f"<mailto:{_addresses(mailbox)[0]}?subject=unsubscribe>")
        return ", ".join(uris), url

    def recipients(self) -> list[str]:
        raw = self.account.setting("to_addresses", "")
        values = [str(item) for item in raw] if isinstance(raw, list | tuple) else [str(raw or "")]
        addresses = _addresses(", ".join(values).replace(";", ","))
        if not addresses:
            raise PermanentError("The email account has no recipients; add a list address in the account settings.")
        return addresses

    # -- the message
    def subject(self, payload: Payload) -> str:
        subject = " ".join(payload.title.split())
        if not subject:
            first = next((line for line in payload.text.splitlines() if line.strip()), "")
            subject = " ".join(first.split())
        if len(subject) > MAX_SUBJECT:
            subject = subject[: MAX_SUBJECT - 1].rstrip() + "…"
        return subject or "Newsletter"

    def plain_text(self, payload: Payload, unsubscribe_url: str = "") -> str:
        parts = [payload.body()]
        if payload.link and payload.link not in parts[0]:
            parts.append(payload.link)
        images = [item.url for item in payload.media if item.kind == "image" and item.url]
        parts.extend(images)
        if unsubscribe_url:
            parts.append(f"--\nUnsubscribe: {unsubscribe_url}")
        return "\n\n".join(part for part in parts if part) + "\n"

    def html(self, payload: Payload, unsubscribe_url: str = "") -> str:
        paragraphs = [p for p in re.split(r"\n\s*\n", payload.body().strip()) if p.strip()]
        blocks = [f"<p>{linkify(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs]
        if payload.link and payload.link not in payload.body():
            url = html.escape(payload.link)
            blocks.append(f'<p><a href="{url}">{url}</a></p>')
        for item in payload.media:
            if item.kind == "image" and item.url:
                blocks.append(f'<p><img src="{html.escape(item.url)}" alt="{html.escape(item.name)}" style="max-width:100%"></p>')
        if unsubscribe_url:
            url = html.escape(unsubscribe_url)
            blocks.append(f'<p style="font-size:small"><a href="{url}">Unsubscribe</a></p>')
        title = html.escape(self.subject(payload))
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{title}</title></head>\n<body>\n" + "\n".join(blocks) + "\n</body></html>\n"
        )

    def message(self, payload: Payload) -> tuple[EmailMessage, list[str]]:
        if any(item.kind == "video" for item in payload.media):
            raise PermanentError("An email newsletter cannot carry a video; use an image or put the video's link in the text.")
        if len(payload.media) > MAX_MEDIA:
            raise PermanentError(f"An email newsletter shows at most {MAX_MEDIA} images.")
        recipients = self.recipients()
        list_unsubscribe, unsubscribe_url = self.unsubscribe()
        message = EmailMessage()
        message["Subject"] = self.subject(payload)
        message["From"] = self.sender()
        message["To"] = recipients[0] if len(recipients) == 1 else "undisclosed-recipients:;"
        reply_to = str(self.account.setting("reply_to", "") or "").strip()
        if reply_to:
            if len(_addresses(reply_to)) != 1:
                raise PermanentError(f"The Reply-To address '{reply_to}' is not an email address; fix the account settings.")
            message["Reply-To"] = reply_to
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = message_id(payload.idempotency_key, self.message_id_domain())
        message["List-Unsubscribe"] = list_unsubscribe
        message["List-Unsubscribe-Post"] = ONE_CLICK
        message["X-Alur-Idempotency-Key"] = payload.idempotency_key
        message.set_content(self.plain_text(payload, unsubscribe_url), cte="quoted-printable")
        message.add_alternative(self.html(payload, unsubscribe_url), subtype="html", cte="quoted-printable")
        return message, recipients

    # -- the SMTP session
    def connect(self) -> _SMTP | _SMTPSSL:
        """Open the session (TLS as configured) and log in; every failure classified."""
        host, port, security, timeout = self.host(), self.port(), self.security(), self.timeout()
        smtp: _SMTP | _SMTPSSL | None = None
        step = "connect"
        try:
            if security == "ssl":
                smtp = _SMTPSSL(host, port, timeout=timeout, context=tls_context())
            else:
                smtp = _SMTP(host, port, timeout=timeout)
                if security == "starttls":
                    step = "STARTTLS"
                    smtp.ehlo()
                    smtp.starttls(context=tls_context())
                    smtp.ehlo()
            username = str(self.account.setting("username", "") or "").strip()
            if username:
                step = "logging in (AUTH)"
                smtp.login(username, self.account.secret("password"))
            return smtp
        except smtplib.SMTPAuthenticationError as error:
            _close(smtp)
            if 400 <= error.smtp_code < 500:
                raise classify_reply(error.smtp_code, error.smtp_error, action="log in") from error
            raise AuthError(
                f"The mail server refused the user name or password ({error.smtp_code} {_text(error.smtp_error).strip()}). "
                "Check the account's login.",
                status=error.smtp_code,
                detail=repr(error),
            ) from error
        except smtplib.SMTPNotSupportedError as error:
            _close(smtp)
            raise PermanentError(
                f"The mail server does not support {step} on this port: {error} Check the security setting, the port "
                "and whether the server needs a user name.",
                detail=repr(error),
            ) from error
        except ssl.SSLError as error:
            _close(smtp)
            raise PermanentError(
                f"A secure connection to the mail server failed ({error.reason or error}). "
                "Check the security setting (starttls for port 587, ssl for port 465) and the server's certificate.",
                detail=repr(error),
            ) from error
        except smtplib.SMTPResponseException as error:  # a refusing greeting, a 4xx/5xx to EHLO or STARTTLS
            _close(smtp)
            raise classify_reply(error.smtp_code, error.smtp_error, action="open a session") from error
        except smtplib.SMTPException as error:  # e.g. "No suitable authentication method found."
            _close(smtp)
            if isinstance(error, smtplib.SMTPServerDisconnected):
                raise TransientError("The mail server closed the connection; Alur will try again.", detail=repr(error)) from error
            raise PermanentError(f"The mail server session could not be set up: {error}", detail=repr(error)) from error
        except (OSError, EOFError) as error:  # refused, unreachable, DNS, timeout: nothing was sent
            _close(smtp)
            raise TransientError(
                f"The mail server {host}:{port} could not be reached ({error}); Alur will try again.", detail=repr(error)
            ) from error

    def send(self, smtp: _SMTP | _SMTPSSL, message: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        try:
            return smtp.send_message(message, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            text = "; ".join(f"{address}: {code} {_text(reply).strip()}" for address, (code, reply) in error.recipients.items())
            if codes and all(400 <= code < 500 for code in codes):
                raise TransientError(
                    f"The mail server is temporarily refusing the recipients ({text}); Alur will try again.",
                    status=codes[0],
                    detail=repr(error),
                ) from error
            raise PermanentError(
                f"The mail server refused the recipients: {text}", status=codes[0] if codes else None, detail=repr(error)
            ) from error
        except smtplib.SMTPSenderRefused as error:
            raise classify_reply(error.smtp_code, error.smtp_error, action=f"send from {error.sender}") from error
        except smtplib.SMTPResponseException as error:  # SMTPDataError and friends: the server answered no
            if error.smtp_code == -1:  # smtplib's code for "connection closed"
                raise self.broken(smtp, error) from error
            raise classify_reply(error.smtp_code, error.smtp_error, action="accept the message") from error
        except (smtplib.SMTPServerDisconnected, OSError, EOFError) as error:
            raise self.broken(smtp, error) from error
        except smtplib.SMTPException as error:  # e.g. SMTPUTF8 addresses on a server without it
            if smtp.data_sent:
                raise self.broken(smtp, error) from error
            raise PermanentError(f"The mail server cannot take this message: {error}", detail=repr(error)) from error

    def broken(self, smtp: _SMTP | _SMTPSSL, error: BaseException) -> TransientError:
        """A timeout or a dropped connection while sending: unknown once DATA was sent, else safe to retry."""
        if smtp.data_sent:
            return OutcomeUnknown(
                "The mail server did not confirm the message in time; it may have been sent. "
                "Check the inbox before sending again.",
                detail=repr(error),
            )
        reason = "did not answer in time" if isinstance(error, socket.timeout | TimeoutError) else "closed the connection"
        return TransientError(f"The mail server {reason} before the message was sent; Alur will try again.", detail=repr(error))

    # -- the contract
    def publish(self, payload: Payload) -> Published:
        message, recipients = self.message(payload)
        smtp = self.connect()
        try:
            refused = self.send(smtp, message, recipients)
        finally:
            _quit(smtp)
        identifier = str(message["Message-ID"])
        accepted = [address for address in recipients if address not in refused]
        raw = {
            "message_id": identifier,
            "recipients": accepted,
            "refused": {address: f"{code} {_text(reply).strip()}" for address, (code, reply) in refused.items()},
        }
        return Published(identifier, "", raw)

    def test_connection(self) -> str:
        self.sender()
        self.recipients()
        smtp = self.connect()
        try:
            code, reply = smtp.noop()
            if code != 250:
                raise classify_reply(code, reply, action="answer NOOP")
        except smtplib.SMTPServerDisconnected as error:
            raise TransientError("The mail server closed the connection; try again.", detail=repr(error)) from error
        except OSError as error:
            raise TransientError(f"The mail server did not answer ({error}); try again.", detail=repr(error)) from error
        finally:
            _quit(smtp)
        username = str(self.account.setting("username", "") or "").strip()
        who = f"{username} @ " if username else ""
        return f"{who}{self.host()}:{self.port()} ({self.security()})"


def _addresses(value: str) -> list[str]:
    """Bare addresses from a header-style list (``Name <a@b>, c@d``); empty when any part is not an address."""
    found = []
    for _name, address in getaddresses([value]):
        address = address.strip()
        if not address and not _name:
            continue
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain or any(char.isspace() for char in address):
            return []
        found.append(address)
    return found


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()


def _quit(smtp: smtplib.SMTP) -> None:
    """End the session politely; the message is already accepted (or refused), so errors here do not matter."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        _close(smtp)
