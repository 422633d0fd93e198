"""The email connector against a real local SMTP server (aiosmtpd, see fakes/smtp.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from alur.publishing.connectors import connector_class
from alur.publishing.connectors import email as email_module
from alur.publishing.connectors.base import (
    AccountConfig,
    AuthError,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    TransientError,
)
from alur.publishing.connectors.email import EmailConnector, linkify, message_id
from tests.publishing.fakes.smtp import HOSTNAME, FakeSMTP, free_port

FROM = "Kopi Kita <news@kopi.id>"
LIST = "pelanggan@lists.kopi.id"
UNSUBSCRIBE = "https://kopi.id/berhenti?list=pelanggan"

# aiosmtpd warns that AUTH without TLS is unsafe; the fake server allows it on purpose (127.0.0.1 only).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture
def smtp() -> Iterator[FakeSMTP]:
    with FakeSMTP() as server:
        yield server


def connector(
    port: int, /, *, security: str = "none", timeout: float = 5.0, password: str = "", **config: object
) -> EmailConnector:
    settings: dict[str, object] = {
        "host": HOSTNAME,
        "port": port,
        "security": security,
        "from_address": FROM,
        "to_addresses": LIST,
        "timeout_seconds": timeout,
        "unsubscribe_url": UNSUBSCRIBE,
        **config,
    }
    return EmailConnector(AccountConfig(config=settings, credentials={"password": password}))


def payload(key: str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0", **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "title": "Promo kopi susu",
        "text": "Kopi susu gula aren & roti bakar <3\nHari ini saja!\n\nMenu lengkap: https://kopi.id/menu",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/promo?utm_source=email&utm_medium=newsletter",
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- publishing
def test_publish_sends_a_multipart_newsletter_to_the_list(smtp: FakeSMTP) -> None:
    published = connector(smtp.port, reply_to="halo@kopi.id").publish(payload())

    (received,) = smtp.received
    assert received.mail_from == "news@kopi.id"
    assert received.rcpt_tos == [LIST]
    message = received.message
    assert message["Subject"] == "Promo kopi susu"
    assert message["From"] == FROM
    assert message["To"] == LIST
    assert message["Reply-To"] == "halo@kopi.id"
    assert message["Message-ID"] == "<0f1e2d3c4b5a69788796a5b4c3d2e1f0@kopi.id>"
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    text = plain.get_content().replace("\r\n", "\n")
    assert text.startswith("Kopi susu gula aren & roti bakar <3\nHari ini saja!")
    assert "#kopi" in text
    assert "https://kopi.id/promo?utm_source=email&utm_medium=newsletter" in text
    markup = rich.get_content().replace("\r\n", "\n")
    assert "Kopi susu gula aren &amp; roti bakar &lt;3<br>Hari ini saja!" in markup
    assert '<a href="https://kopi.id/menu">https://kopi.id/menu</a>' in markup
    assert (
        '<a href="https://kopi.id/promo?utm_source=email&amp;utm_medium=newsletter">'
        "https://kopi.id/promo?utm_source=email&amp;utm_medium=newsletter</a>"
    ) in markup
    assert "<3" not in markup

    assert published.external_id == "<0f1e2d3c4b5a69788796a5b4c3d2e1f0@kopi.id>"
    assert published.url == ""
    assert published.raw["recipients"] == [LIST]


def test_the_subject_falls_back_to_the_first_line_and_several_recipients_stay_hidden(smtp: FakeSMTP) -> None:
    to = "ani@kopi.id, Budi <budi@kopi.id>"
    connector(smtp.port, to_addresses=to).publish(payload(title="", text="\n  Diskon   50%  \nsampai Jumat"))

    (received,) = smtp.received
    assert received.rcpt_tos == ["ani@kopi.id", "budi@kopi.id"]
    assert received.message["Subject"] == "Diskon 50%"
    assert received.message["To"] == "undisclosed-recipients:;"
    assert "budi@kopi.id" not in received.data.decode()


def test_to_addresses_may_be_a_list(smtp: FakeSMTP) -> None:
    connector(smtp.port, to_addresses=["ani@kopi.id", "budi@kopi.id"]).publish(payload())
    assert smtp.received[0].rcpt_tos == ["ani@kopi.id", "budi@kopi.id"]


def test_a_non_ascii_subject_and_body_survive(smtp: FakeSMTP) -> None:
    connector(smtp.port).publish(payload(title="Kopi ☕ spesial — Lebaran", text="Selamat Idulfitri ☕ mohon maaf lahir & batin"))
    message = smtp.received[0].message
    assert message["Subject"] == "Kopi ☕ spesial — Lebaran"
    plain = message.get_body(("plain",))
    assert plain is not None and "Idulfitri ☕" in plain.get_content()
    assert smtp.received[0].data.isascii()  # quoted-printable and RFC 2047: any relay can carry it


def test_images_are_shown_from_their_public_urls(smtp: FakeSMTP, tmp_path: Path) -> None:
    image = MediaFile(name="promo.png", mime_type="image/png", url="https://cdn.kopi.id/promo.png")
    connector(smtp.port).publish(payload(media=(image,)))
    rich = smtp.received[0].message.get_body(("html",))
    assert rich is not None
    assert '<img src="https://cdn.kopi.id/promo.png" alt="promo.png"' in rich.get_content()


def test_a_video_is_refused_before_connecting(smtp: FakeSMTP) -> None:
    video = MediaFile(name="promo.mp4", mime_type="video/mp4", url="https://cdn.kopi.id/promo.mp4")
    with pytest.raises(PermanentError, match="video"):
        connector(smtp.port).publish(payload(media=(video,)))
    assert smtp.handler.commands == []


def test_the_same_key_gives_the_same_message_id_so_receivers_can_deduplicate(smtp: FakeSMTP) -> None:
    email = connector(smtp.port)
    email.publish(payload("same-key"))
    email.publish(payload("same-key"))
    ids = {received.message["Message-ID"] for received in smtp.received}
    assert ids == {"<same-key@kopi.id>"}


def test_message_id_keeps_only_allowed_characters() -> None:
    assert message_id("ab12-cd34", "kopi.id") == "<ab12-cd34@kopi.id>"
    assert message_id("a b<c>@d", "kopi.id") == "<a-b-c--d@kopi.id>"
    assert message_id("", "kopi.id") == "<post@kopi.id>"


def test_linkify_escapes_and_links() -> None:
    assert linkify("a <b> https://x.id/p?a=1&b=2.") == (
        'a &lt;b&gt; <a href="https://x.id/p?a=1&amp;b=2">https://x.id/p?a=1&amp;b=2</a>.'
    )


# ------------------------------------------------------------------------------------ login / TLS
def test_login_then_send() -> None:
    with FakeSMTP(users={"news@kopi.id": "app-pass"}) as server:
        connector(server.port, username="news@kopi.id", password="app-pass").publish(payload())
        (received,) = server.received
        assert received.authenticated_as == "news@kopi.id"


def test_a_wrong_password_is_an_auth_error() -> None:
    with FakeSMTP(users={"news@kopi.id": "app-pass"}) as server:
        with pytest.raises(AuthError) as raised:
            connector(server.port, username="news@kopi.id", password="wrong").publish(payload())
        assert raised.value.status == 535
        assert "user name or password" in raised.value.message
        assert server.received == []


def test_without_login_a_server_that_requires_it_refuses_permanently() -> None:
    with FakeSMTP(users={"news@kopi.id": "app-pass"}) as server, pytest.raises(PermanentError) as raised:
        connector(server.port).publish(payload())
    assert raised.value.status == 530


def test_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeSMTP(tls=True) as server:
        monkeypatch.setattr(email_module, "tls_context", server.client_context)
        connector(server.port, security="starttls").publish(payload())
        assert len(server.received) == 1


def test_implicit_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeSMTP(implicit_tls=True) as server:
        monkeypatch.setattr(email_module, "tls_context", server.client_context)
        connector(server.port, security="ssl").publish(payload())
        assert len(server.received) == 1


def test_an_untrusted_certificate_is_a_permanent_error_with_a_hint() -> None:
    with FakeSMTP(implicit_tls=True) as server, pytest.raises(PermanentError, match="certificate"):
        connector(server.port, security="ssl").publish(payload())


def test_starttls_against_a_server_without_it_is_a_permanent_error(smtp: FakeSMTP) -> None:
    with pytest.raises(PermanentError, match="STARTTLS"):
        connector(smtp.port, security="starttls").publish(payload())


# ------------------------------------------------------------------------------------ error classes
def test_a_refused_connection_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        connector(free_port()).publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_refused_sender_is_permanent(smtp: FakeSMTP) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(smtp.port, from_address="news@blocked.test").publish(payload())
    assert raised.value.status == 553
    assert "Sender address rejected" in raised.value.message


def test_refused_recipients_are_permanent(smtp: FakeSMTP) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(smtp.port, to_addresses="nobody@refused.test").publish(payload())
    assert raised.value.status == 550
    assert "nobody@refused.test" in raised.value.message and "User unknown" in raised.value.message


def test_a_busy_mailbox_4xx_is_transient(smtp: FakeSMTP) -> None:
    with pytest.raises(TransientError) as raised:
        connector(smtp.port, to_addresses="list@busy.test").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)
    assert raised.value.status == 450


def test_some_refused_recipients_still_send_and_are_reported(smtp: FakeSMTP) -> None:
    published = connector(smtp.port, to_addresses="ani@kopi.id, nobody@refused.test").publish(payload())
    assert smtp.received[0].rcpt_tos == ["ani@kopi.id"]
    assert published.raw["recipients"] == ["ani@kopi.id"]
    assert "550" in published.raw["refused"]["nobody@refused.test"]


@pytest.mark.parametrize(
    ("reply", "error", "status"),
    [
        ("451 4.3.0 Temporary local problem, try later", TransientError, 451),
        ("554 5.7.1 Message rejected as spam", PermanentError, 554),
        ("552 5.3.4 Message size exceeds fixed limit", PermanentError, 552),
    ],
)
def test_the_reply_to_the_message_is_classified(smtp: FakeSMTP, reply: str, error: type[Exception], status: int) -> None:
    smtp.handler.data_reply = reply
    with pytest.raises(error) as raised:
        connector(smtp.port).publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)
    assert getattr(raised.value, "status", None) == status
    assert reply.split(" ", 2)[2] in str(raised.value)


def test_a_timeout_after_data_is_an_unknown_outcome(smtp: FakeSMTP) -> None:
    smtp.handler.data_delay = 1.5
    with pytest.raises(OutcomeUnknown):
        connector(smtp.port, timeout=0.3).publish(payload())


def test_a_timeout_before_data_is_only_transient(smtp: FakeSMTP) -> None:
    smtp.handler.delay = 1.5
    with pytest.raises(TransientError) as raised:
        connector(smtp.port, timeout=0.3, to_addresses="list@slow.test").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)
    assert "DATA" not in smtp.handler.commands


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"host": ""}, "no SMTP server"),
        ({"to_addresses": ""}, "no recipients"),
        ({"to_addresses": "not-an-address"}, "no recipients"),
        ({"from_address": "kopi"}, "From address"),
        ({"security": "tls13"}, "security"),
        ({"port": "abc"}, "port"),
        ({"reply_to": "halo"}, "Reply-To"),
    ],
)
def test_bad_settings_are_permanent_errors(smtp: FakeSMTP, config: dict[str, object], message: str) -> None:
    with pytest.raises(PermanentError, match=message):
        connector(smtp.port, **config).publish(payload())
    assert smtp.received == []


# ------------------------------------------------------------------------------------ the rest of the contract
def test_test_connection_logs_in_and_sends_noop() -> None:
    with FakeSMTP(users={"news@kopi.id": "app-pass"}) as server:
        description = connector(server.port, username="news@kopi.id", password="app-pass").test_connection()
        assert description == f"news@kopi.id @ {HOSTNAME}:{server.port} (none)"
        assert server.received == []
        with pytest.raises(AuthError):
            connector(server.port, username="news@kopi.id", password="nope").test_connection()


def test_test_connection_on_an_unreachable_server_is_transient() -> None:
    with pytest.raises(TransientError):
        connector(free_port()).test_connection()


def test_find_and_delete_are_not_possible(smtp: FakeSMTP) -> None:
    email = connector(smtp.port)
    assert not email.can_find()
    with pytest.raises(PermanentError):
        email.find(payload())
    with pytest.raises(PermanentError):
        email.delete("<x@alur.local>")
    assert email.refresh() is None


def test_default_ports_follow_the_security_mode() -> None:
    def port(security: str) -> int:
        return EmailConnector(AccountConfig(config={"host": "smtp.kopi.id", "security": security}, credentials={})).port()

    assert (port("starttls"), port("ssl"), port("none")) == (587, 465, 25)


def test_capabilities_and_registry() -> None:
    assert connector_class("email") is EmailConnector
    capabilities = EmailConnector.capabilities
    assert capabilities.can_find is False
    assert capabilities.idempotency_key is False
    assert capabilities.can_delete is False
    assert capabilities.refreshes_tokens is False
    assert capabilities.media_types == frozenset({"image"})
    assert capabilities.docs.startswith("https://")
    names = {name: (secret, required) for name, _label, secret, required in EmailConnector.fields}
    assert names["password"] == (True, False)
    assert names["host"] == (False, True)
    assert {"port", "security", "username", "from_address", "to_addresses", "reply_to"} <= set(names)


def test_a_login_on_a_server_without_auth_is_a_permanent_error(smtp: FakeSMTP) -> None:
    with pytest.raises(PermanentError, match=r"logging in \(AUTH\)"):
        connector(smtp.port, username="news@kopi.id", password="pw").publish(payload())


def test_recipients_separated_by_semicolons(smtp: FakeSMTP) -> None:
    connector(smtp.port, to_addresses="ani@kopi.id; budi@kopi.id").publish(payload())
    assert smtp.received[0].rcpt_tos == ["ani@kopi.id", "budi@kopi.id"]


# -- what a receiving bulk-sender policy requires (RFC 8058; Gmail's and Yahoo's sender requirements)
def test_a_newsletter_carries_one_click_unsubscribe_and_a_message_id_in_the_senders_domain(smtp: FakeSMTP) -> None:
    connector(smtp.port, unsubscribe_email="berhenti@kopi.id").publish(payload())
    message = smtp.received[0].message
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>, <mailto:berhenti@kopi.id?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@kopi.id>")
    assert UNSUBSCRIBE in message.get_body(("plain",)).get_content()  # a visible link too
    assert UNSUBSCRIBE in message.get_body(("html",)).get_content()


def test_a_configured_message_id_domain_is_used(smtp: FakeSMTP) -> None:
    connector(smtp.port, message_id_domain="mail.kopi.id").publish(payload(key="k1"))
    assert smtp.received[0].message["Message-ID"] == "<k1@mail.kopi.id>"


def test_without_an_unsubscribe_url_the_newsletter_is_refused_before_sending(smtp: FakeSMTP) -> None:
    with pytest.raises(PermanentError, match="unsubscribe"):
        connector(smtp.port, unsubscribe_url="").publish(payload())
    with pytest.raises(PermanentError, match="https"):
        connector(smtp.port, unsubscribe_url="http://kopi.id/berhenti").publish(payload())
    assert smtp.received == [] and "DATA" not in smtp.handler.commands


def test_the_test_server_refuses_what_a_bulk_sender_policy_refuses() -> None:
    from tests.publishing.fakes.smtp import bulk_sender_refusal

    good = (
        b"From: Kopi <news@kopi.id>\r\nMessage-ID: <a@kopi.id>\r\n"
        b"List-Unsubscribe: <https://kopi.id/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nhi\r\n"
    )
    assert bulk_sender_refusal(good) == ""
    assert "List-Unsubscribe" in bulk_sender_refusal(good.replace(b"<https://kopi.id/u>", b"<mailto:u@kopi.id>"))
    assert "One-Click" in bulk_sender_refusal(good.replace(b"=One-Click", b"=Yes"))
    assert "Message-ID" in bulk_sender_refusal(good.replace(b"a@kopi.id", b"a@alur.local"))
