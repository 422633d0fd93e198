"""The X connector against a fake that speaks the X API v2 contract."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from alur.publishing.connectors import connector_class
from alur.publishing.connectors import x as x_module
from alur.publishing.connectors.base import (
    AccountConfig,
    AuthError,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    RateLimited,
    TransientError,
)
from alur.publishing.connectors.x import XConnector, rate_limit_wait
from tests.publishing.fakes import x as fake
from tests.publishing.fakes.server import FakeServer, Reply


@pytest.fixture
def platform() -> Iterator[fake.FakeX]:
    with fake.FakeX() as server:
        yield server


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(x_module, "sleep", slept.append)
    return slept


def connector(
    url: str, *, token: str = fake.TOKEN, secret: str = fake.CLIENT_SECRET, timeout: float = 5.0, **config: object
) -> XConnector:
    return XConnector(
        AccountConfig(
            config={"base_url": url, "username": fake.USERNAME, **config},
            credentials={
                "access_token": token,
                "refresh_token": fake.REFRESH_TOKEN,
                "client_id": fake.CLIENT_ID,
                "client_secret": secret,
            },
        ),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = "key-1", **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "text": "Kopi susu gula aren & roti bakar, hari ini saja!",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/menu?utm_source=x",
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


def media(tmp_path: Path, name: str, mime_type: str, size: int = 32) -> MediaFile:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    return MediaFile(name=name, mime_type=mime_type, url=f"https://cdn.kopi.id/{name}", path=str(path), size=size)


# ------------------------------------------------------------------------------------- publishing
def test_a_text_post_sends_text_with_hashtags_and_link(platform: fake.FakeX) -> None:
    published = connector(platform.url).publish(payload())
    (request,) = platform.server.calls("POST", "/2/tweets")
    assert request.header("Authorization") == f"Bearer {fake.TOKEN}"
    assert request.json() == {
        "text": "Kopi susu gula aren & roti bakar, hari ini saja!\n\n#kopi\n\nhttps://kopi.id/menu?utm_source=x"
    }
    assert published.external_id in platform.posts
    assert published.url == f"https://x.com/{fake.USERNAME}/status/{published.external_id}"


def test_without_a_username_the_url_still_works(platform: fake.FakeX) -> None:
    published = connector(platform.url, username="").publish(payload())
    assert published.url == f"https://x.com/i/web/status/{published.external_id}"


def test_images_are_uploaded_base64_then_attached(platform: fake.FakeX, tmp_path: Path) -> None:
    pictures = (media(tmp_path, "a.png", "image/png"), media(tmp_path, "b.jpg", "image/jpeg"))
    published = connector(platform.url).publish(payload(media=pictures))
    uploads = platform.server.calls("POST", "/2/media/upload")
    assert [u.json()["media_category"] for u in uploads] == ["tweet_image", "tweet_image"]
    assert [u.json()["media_type"] for u in uploads] == ["image/png", "image/jpeg"]
    assert [base64.b64decode(u.json()["media"]) for u in uploads] == [p.read() for p in pictures]
    (create,) = platform.server.calls("POST", "/2/tweets")
    media_ids = create.json()["media"]["media_ids"]
    assert media_ids == list(platform.media)
    assert platform.posts[published.external_id]["media_ids"] == media_ids


def test_a_video_goes_through_initialize_append_finalize_and_status(
    platform: fake.FakeX, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    monkeypatch.setattr(x_module, "CHUNK_SIZE", 1000)
    video = media(tmp_path, "promo.mp4", "video/mp4", size=2500)
    published = connector(platform.url).publish(payload(media=(video,)))
    (init,) = platform.server.calls("POST", "/2/media/upload/initialize")
    assert init.json() == {"media_type": "video/mp4", "total_bytes": 2500, "media_category": "tweet_video"}
    (media_id,) = platform.media
    appends = platform.server.calls("POST", rf"/2/media/upload/{media_id}/append")
    assert [fake.parse_multipart(a)["segment_index"] for a in appends] == [b"0", b"1", b"2"]
    assert platform.media[media_id]["data"] == video.read()
    assert len(platform.server.calls("POST", rf"/2/media/upload/{media_id}/finalize")) == 1
    polls = platform.server.calls("GET", "/2/media/upload")
    assert len(polls) == 3  # in_progress, in_progress, succeeded
    assert polls[0].query == {"command": ["STATUS"], "media_id": [media_id]}
    assert no_sleep == [1.0, 1.0, 1.0]  # check_after_secs each time
    assert platform.posts[published.external_id]["media_ids"] == [media_id]


def test_a_gif_uses_the_chunked_upload_with_the_gif_category(platform: fake.FakeX, tmp_path: Path) -> None:
    connector(platform.url).publish(payload(media=(media(tmp_path, "a.gif", "image/gif"),)))
    (init,) = platform.server.calls("POST", "/2/media/upload/initialize")
    assert init.json()["media_category"] == "tweet_gif"
    assert platform.server.calls("POST", "/2/media/upload") == []


def test_failed_processing_is_permanent_with_xs_message(platform: fake.FakeX, tmp_path: Path) -> None:
    platform.fail_processing = True
    with pytest.raises(PermanentError, match="Unsupported video format"):
        connector(platform.url).publish(payload(media=(media(tmp_path, "v.mp4", "video/mp4"),)))
    assert platform.posts == {}


def test_processing_that_never_ends_is_transient(platform: fake.FakeX, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    platform.processing_polls = 10_000
    monkeypatch.setattr(x_module, "PROCESSING_TIMEOUT", -1.0)
    with pytest.raises(TransientError, match="still processing"):
        connector(platform.url).publish(payload(media=(media(tmp_path, "v.mp4", "video/mp4"),)))
    assert platform.posts == {}


def test_mixing_a_video_with_images_is_refused_before_uploading(platform: fake.FakeX, tmp_path: Path) -> None:
    items = (media(tmp_path, "v.mp4", "video/mp4"), media(tmp_path, "a.png", "image/png"))
    with pytest.raises(PermanentError, match="one video"):
        connector(platform.url).publish(payload(media=items))
    assert platform.server.requests == []


def test_more_than_four_images_is_refused(platform: fake.FakeX, tmp_path: Path) -> None:
    items = tuple(media(tmp_path, f"{n}.png", "image/png") for n in range(5))
    with pytest.raises(PermanentError, match="at most 4"):
        connector(platform.url).publish(payload(media=items))


# ----------------------------------------------------------------------------------------- errors
def test_an_expired_token_is_an_auth_error(platform: fake.FakeX) -> None:
    with pytest.raises(AuthError) as raised:
        connector(platform.url, token="expired").publish(payload())
    assert raised.value.status == 401


def test_duplicate_content_is_permanent_with_xs_message(platform: fake.FakeX) -> None:
    x = connector(platform.url)
    x.publish(payload())
    with pytest.raises(PermanentError) as raised:
        x.publish(payload("key-2"))
    assert not isinstance(raised.value, AuthError)
    assert "You are not allowed to create a Tweet with duplicate content." in raised.value.message
    assert len(platform.posts) == 1


def test_a_validation_error_carries_xs_message(platform: fake.FakeX) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(platform.url).publish(payload(text="", hashtags=(), link=""))
    assert raised.value.status == 400
    assert raised.value.message == "X refused the post: Post text or media is required."


def test_429_waits_until_x_rate_limit_reset() -> None:
    server = FakeServer()
    reset = int(time.time()) + 120
    headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
    server.route("POST", "/2/tweets")(lambda request: Reply(429, body, headers=headers))
    with server, pytest.raises(RateLimited) as raised:
        connector(server.url).publish(payload())
    assert raised.value.retry_after is not None and 110 <= raised.value.retry_after <= 120


# ------------------------------------------------------- scopes, credits and caps (pay-per-use plans)
def test_a_token_without_media_write_needs_reconnecting_not_a_new_post(platform: fake.FakeX, tmp_path: Path) -> None:
    """Media upload needs the media.write scope; X answers 403 without it. That is the account's grant, not
    the post: the account must be reconnected with the right scopes."""
    platform.scopes[fake.TOKEN] = frozenset({"tweet.read", "tweet.write", "users.read", "offline.access"})
    with pytest.raises(AuthError) as raised:
        connector(platform.url).publish(payload(media=(media(tmp_path, "a.jpg", "image/jpeg"),)))
    assert raised.value.status == 403 and not raised.value.revoked
    assert "media.write" in raised.value.message and "Reconnect" in raised.value.message
    assert platform.posts == {}
    connector(platform.url).publish(payload())  # a text post needs no media.write and still goes out


def test_alur_asks_for_media_write_when_connecting() -> None:
    assert {"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"} <= set(XConnector.SCOPES)
    labels = {name: label for name, label, _, _ in XConnector.fields}
    assert "media.write" in labels["access_token"]


def test_a_refreshed_token_keeps_the_grant_so_a_missing_scope_stays_missing(platform: fake.FakeX, tmp_path: Path) -> None:
    platform.scopes[fake.REFRESH_TOKEN] = frozenset({"tweet.read", "tweet.write", "users.read", "offline.access"})
    tokens = connector(platform.url).refresh()
    assert tokens is not None
    with pytest.raises(AuthError):
        connector(platform.url, token=tokens.access_token).upload(media(tmp_path, "a.png", "image/png"))


def test_402_credits_depleted_fails_clearly_without_retrying(platform: fake.FakeX) -> None:
    platform.credits = 0
    with pytest.raises(PermanentError) as raised:
        connector(platform.url).publish(payload())
    assert not isinstance(raised.value, (AuthError, TransientError))
    assert raised.value.status == 402 and "out of API credits" in raised.value.message
    assert "Developer Console" in raised.value.message
    assert platform.posts == {}


def test_a_usage_capped_429_is_not_retried_into_the_cap(platform: fake.FakeX) -> None:
    platform.usage_capped = True
    with pytest.raises(PermanentError) as raised:
        connector(platform.url).publish(payload())
    assert not isinstance(raised.value, TransientError)  # RateLimited would be retried into the cap
    assert raised.value.status == 429 and "usage cap" in raised.value.message and "Monthly" in raised.value.message


def test_an_ordinary_429_from_the_fake_waits_for_the_reset(platform: fake.FakeX) -> None:
    platform.rate_limit_reset = int(time.time()) + 600
    with pytest.raises(RateLimited) as raised:
        connector(platform.url).publish(payload())
    assert raised.value.retry_after is not None and 590 <= raised.value.retry_after <= 600


def test_429_with_retry_after_is_rate_limited() -> None:
    server = FakeServer()
    server.route("POST", "/2/tweets")(lambda request: Reply(429, {"title": "Too Many Requests"}, headers={"Retry-After": "30"}))
    with server, pytest.raises(RateLimited) as raised:
        connector(server.url).publish(payload())
    assert raised.value.retry_after == 30


def test_rate_limit_wait_prefers_an_exhausted_daily_cap() -> None:
    headers = httpx.Headers(
        {
            "x-rate-limit-remaining": "40",
            "x-rate-limit-reset": "1000900",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": "1080000",
        }
    )
    assert rate_limit_wait(headers, now=1_000_000) == 80_000
    assert rate_limit_wait(httpx.Headers({"x-rate-limit-reset": "999"}), now=1_000_000) == 0
    assert rate_limit_wait(httpx.Headers({}), now=1_000_000) is None


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(status: int) -> None:
    server = FakeServer()
    body = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status}
    server.route("POST", "/2/tweets")(lambda request: Reply(status, body))
    with server, pytest.raises(TransientError) as raised:
        connector(server.url).publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_gateway_timeout_on_create_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/2/tweets")(lambda request: Reply(504, "Gateway Timeout"))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url).publish(payload())


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/2/tweets")(lambda request: Reply(201, {"data": {"id": "1", "text": "x"}}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload())


# ---------------------------------------------------------------------------- find / delete / refresh
def test_find_matches_despite_tco_links_and_html_escaping(platform: fake.FakeX, tmp_path: Path) -> None:
    x = connector(platform.url)
    assert x.can_find()
    assert x.find(payload()) is None
    x.publish(payload("other", text="Something else entirely"))
    published = x.publish(payload(media=(media(tmp_path, "a.png", "image/png"),)))
    stored = platform.posts[published.external_id]["text"]
    assert "&amp;" in stored and "t.co" in stored  # what X hands back differs from what was sent
    found = x.find(payload())
    assert found is not None and found.external_id == published.external_id
    assert found.url == f"https://x.com/{fake.USERNAME}/status/{published.external_id}"
    (timeline, *_) = platform.server.calls("GET", rf"/2/users/{fake.USER_ID}/tweets")
    assert timeline.query["max_results"] == ["20"]


def test_find_uses_the_configured_user_id_without_looking_it_up(platform: fake.FakeX) -> None:
    assert connector(platform.url, user_id=fake.USER_ID).find(payload()) is None
    assert platform.server.calls("GET", "/2/users/me") == []


def test_delete_removes_the_post(platform: fake.FakeX) -> None:
    x = connector(platform.url)
    published = x.publish(payload())
    x.delete(published.external_id)
    (request,) = platform.server.calls("DELETE", r"/2/tweets/\d+")
    assert request.path == f"/2/tweets/{published.external_id}"
    assert platform.posts == {}
    x.delete(published.external_id)  # 404: already gone is fine


def test_refresh_rotates_the_refresh_token_with_basic_auth(platform: fake.FakeX) -> None:
    tokens = connector(platform.url).refresh()
    assert tokens is not None
    assert tokens.access_token in platform.tokens
    assert tokens.refresh_token in platform.refresh_tokens and tokens.refresh_token != fake.REFRESH_TOKEN
    assert tokens.expires_at is not None and tokens.expires_at > datetime.now(UTC)
    (request,) = platform.server.calls("POST", "/2/oauth2/token")
    expected = base64.b64encode(f"{fake.CLIENT_ID}:{fake.CLIENT_SECRET}".encode()).decode()
    assert request.header("Authorization") == f"Basic {expected}"
    assert request.form() == {
        "grant_type": ["refresh_token"],
        "refresh_token": [fake.REFRESH_TOKEN],
        "client_id": [fake.CLIENT_ID],
    }
    # The old refresh token was rotated away: using it again is refused.
    with pytest.raises(AuthError) as raised:
        connector(platform.url).refresh()
    assert raised.value.revoked
    assert "Value passed for the token was invalid." in raised.value.message


def test_a_public_client_refreshes_without_basic_auth(platform: fake.FakeX) -> None:
    tokens = connector(platform.url, secret="").refresh()
    assert tokens is not None
    (request,) = platform.server.calls("POST", "/2/oauth2/token")
    assert request.header("Authorization") == ""


def test_test_connection_returns_the_handle(platform: fake.FakeX) -> None:
    assert connector(platform.url).test_connection() == f"@{fake.USERNAME}"
    with pytest.raises(AuthError):
        connector(platform.url, token="nope").test_connection()


# ---------------------------------------------------------------------------------- declarations
def test_registry_and_capabilities() -> None:
    assert connector_class("x") is XConnector
    caps = XConnector.capabilities
    assert caps.media_types == frozenset({"image", "video"})
    assert caps.max_media == 4
    assert caps.max_text == 280
    assert caps.can_delete and caps.can_find and caps.refreshes_tokens
    assert not caps.idempotency_key
    (limit,) = caps.rate_limits
    assert (limit.count, limit.seconds) == (100, 900)
    assert limit.source.startswith("https://docs.x.com/")
    assert caps.docs.startswith("https://docs.x.com/")
    secrets = {name for name, _, secret, _ in XConnector.fields if secret}
    assert {"access_token", "refresh_token", "client_secret"} <= secrets
