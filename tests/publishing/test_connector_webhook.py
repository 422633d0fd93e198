"""The webhook connector against a local receiver that speaks the documented contract."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from alur.publishing.connectors.base import (
    AccountConfig,
    AuthError,
    OutcomeUnknown,
    Payload,
    PermanentError,
    RateLimited,
    TransientError,
)
from alur.publishing.connectors.webhook import WebhookConnector
from tests.publishing.fakes.server import FakeServer, Reply, Request

SECRET = "s3cret"


def connector(server: FakeServer, *, status: bool = True, timeout: float = 5.0) -> WebhookConnector:
    config = {"url": f"{server.url}/hook"}
    if status:
        config["status_url"] = f"{server.url}/status"
    return WebhookConnector(
        AccountConfig(config=config, credentials={"secret": SECRET}),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = "key-1") -> Payload:
    return Payload(idempotency_key=key, text="Kopi susu gula aren", hashtags=("kopi",), link="https://kopi.id/?utm_source=x")


@pytest.fixture
def receiver() -> FakeServer:
    server = FakeServer()
    received: dict[str, dict] = {}

    @server.route("POST", "/hook")
    def hook(request: Request) -> Reply:
        timestamp = request.header("X-Alur-Timestamp")
        expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.header("X-Alur-Signature")):
            return Reply(401, {"message": "bad signature"})
        data = request.json()
        if data["event"] == "publish":
            received[data["idempotency_key"]] = data
            return Reply(201, {"id": f"ext-{len(received)}", "url": f"https://example.test/p/{len(received)}"})
        return Reply(204)

    @server.route("GET", "/status")
    def status(request: Request) -> Reply:
        key = request.query["idempotency_key"][0]
        return Reply(200, {"id": key}) if key in received else Reply(404)

    server.received = received  # type: ignore[attr-defined]
    with server:
        yield server


def test_publish_signs_the_body_and_sends_the_idempotency_key(receiver: FakeServer) -> None:
    published = connector(receiver).publish(payload())
    assert published.external_id == "ext-1"
    assert published.url == "https://example.test/p/1"
    (request,) = receiver.calls("POST", "/hook")
    assert request.header("Idempotency-Key") == "key-1"
    assert request.json()["text"] == "Kopi susu gula aren\n\n#kopi"


def test_find_reconciles_through_the_status_url(receiver: FakeServer) -> None:
    hook = connector(receiver)
    assert hook.can_find()
    assert hook.find(payload("never-sent")) is None
    hook.publish(payload("sent"))
    found = hook.find(payload("sent"))
    assert found is not None and found.external_id == "sent"


def test_without_a_status_url_it_cannot_find() -> None:
    hook = WebhookConnector(AccountConfig(config={"url": "http://127.0.0.1:9/hook"}, credentials={}))
    assert not hook.can_find()
    with pytest.raises(PermanentError):
        hook.find(payload())


def test_a_wrong_secret_is_an_auth_error(receiver: FakeServer) -> None:
    hook = WebhookConnector(AccountConfig(config={"url": f"{receiver.url}/hook"}, credentials={"secret": "wrong"}))
    with pytest.raises(AuthError):
        hook.publish(payload())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(429, {"message": "slow down"}, headers={"Retry-After": "17"}), RateLimited),
        (Reply(500, "boom"), TransientError),
        (Reply(503, "unavailable"), TransientError),
        (Reply(422, {"message": "text is required"}), PermanentError),
        (Reply(401, {"message": "token expired"}), AuthError),
    ],
)
def test_error_classes(reply: Reply, error: type[Exception]) -> None:
    server = FakeServer()
    server.route("POST", "/hook")(lambda request: reply)
    with server, pytest.raises(error) as raised:
        connector(server, status=False).publish(payload())
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 17
    if reply.status == 422:
        assert "text is required" in str(raised.value)


def test_a_timeout_is_an_unknown_outcome_not_a_plain_failure() -> None:
    server = FakeServer()
    server.route("POST", "/hook")(lambda request: Reply(200, {}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server, timeout=0.2).publish(payload())


def test_an_unreachable_receiver_is_transient() -> None:
    hook = WebhookConnector(AccountConfig(config={"url": "http://127.0.0.1:9/hook"}, credentials={"secret": SECRET}))
    with pytest.raises(TransientError) as raised:
        hook.publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


def test_unpublish_and_ping(receiver: FakeServer) -> None:
    hook = connector(receiver)
    hook.delete("ext-1")
    assert hook.test_connection().endswith("/hook")
    events = [r.json()["event"] for r in receiver.calls("POST", "/hook")]
    assert events == ["unpublish", "ping"]


# -- redirects: a hook that answers 3xx has not received the post (httpx does not follow redirects for
# POST by default, and a 301/302 would turn the POST into a GET anyway), so it must not count as published.
def redirecting(status: int, *, find: bool = False) -> FakeServer:
    server = FakeServer()
    server.route("POST", "/hook")(lambda request: Reply(status, "", headers={"Location": "https://hooks.example.test/final"}))
    server.route("GET", "/status")(lambda request: Reply(status, "", headers={"Location": "https://hooks.example.test/st"}))
    return server


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_permanent_failure_naming_the_final_url(status: int) -> None:
    server = redirecting(status)
    with server, pytest.raises(PermanentError) as raised:
        connector(server, status=False).publish(payload())
    assert "redirects to https://hooks.example.test/final" in str(raised.value)
    assert "final URL" in str(raised.value)


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_redirect_is_not_followed_even_by_a_client_that_follows_redirects(status: int) -> None:
    server = redirecting(status)
    with server, pytest.raises(PermanentError):
        WebhookConnector(
            AccountConfig(config={"url": f"{server.url}/hook"}, credentials={"secret": SECRET}),
            client=httpx.Client(timeout=5.0, follow_redirects=True),
        ).publish(payload())


@pytest.mark.parametrize("status", [301, 302, 307])
def test_find_does_not_take_a_redirecting_status_url_as_found(status: int) -> None:
    server = redirecting(status)
    with server, pytest.raises(PermanentError) as raised:
        connector(server).find(payload())
    assert "redirects to https://hooks.example.test/st" in str(raised.value)
