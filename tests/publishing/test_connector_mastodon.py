"""The Mastodon connector against a fake instance that speaks the documented REST contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from alur.publishing.connectors import connector_class
from alur.publishing.connectors import mastodon as mastodon_module
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
from alur.publishing.connectors.mastodon import MastodonConnector, plain_text, rate_limit_wait
from tests.publishing.fakes import mastodon as fake
from tests.publishing.fakes.server import FakeServer, Reply


@pytest.fixture
def instance() -> Iterator[fake.FakeMastodon]:
    with fake.FakeMastodon() as server:
        yield server


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(mastodon_module, "sleep", slept.append)
    return slept


def connector(url: str, *, token: str = fake.TOKEN, timeout: float = 5.0, **config: object) -> MastodonConnector:
    return MastodonConnector(
        AccountConfig(config={"base_url": url, **config}, credentials={"access_token": token}),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = "key-1", **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "text": "Kopi susu gula aren & roti bakar <3\nHari ini saja!",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/menu?utm_source=mastodon&utm_medium=social",
        "publish_at": datetime.now(UTC) - timedelta(minutes=1),
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


def media(tmp_path: Path, name: str, mime_type: str, content: bytes = b"\x89PNG fake image") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(content)
    return MediaFile(name=name, mime_type=mime_type, url=f"https://cdn.kopi.id/{name}", path=str(path), size=len(content))


# ------------------------------------------------------------------------------------- publishing
def test_a_text_post_sends_text_visibility_and_the_idempotency_key(instance: fake.FakeMastodon) -> None:
    published = connector(instance.url).publish(payload())

    (request,) = instance.server.calls("POST", "/api/v1/statuses")
    assert request.header("Authorization") == f"Bearer {fake.TOKEN}"
    assert request.header("Idempotency-Key") == "key-1"
    form = request.form()
    assert form["status"] == [
        "Kopi susu gula aren & roti bakar <3\nHari ini saja!\n\n#kopi\n\n"
        "https://kopi.id/menu?utm_source=mastodon&utm_medium=social"
    ]
    assert form["visibility"] == ["public"]
    assert "media_ids[]" not in form
    assert published.external_id in instance.statuses
    assert published.url == f"{instance.url}/@{fake.USERNAME}/{published.external_id}"


def test_the_visibility_setting_is_sent(instance: fake.FakeMastodon) -> None:
    connector(instance.url, visibility="Unlisted").publish(payload())
    (request,) = instance.server.calls("POST", "/api/v1/statuses")
    assert request.form()["visibility"] == ["unlisted"]


def test_an_unknown_visibility_is_refused_before_sending(instance: fake.FakeMastodon) -> None:
    with pytest.raises(PermanentError, match="visibility 'friends'"):
        connector(instance.url, visibility="friends").publish(payload())
    assert instance.server.requests == []


def test_a_retry_with_the_same_key_returns_the_first_status(instance: fake.FakeMastodon) -> None:
    first = connector(instance.url).publish(payload())
    again = connector(instance.url).publish(payload())
    assert again.external_id == first.external_id
    assert len(instance.statuses) == 1


def test_images_are_uploaded_then_attached(instance: fake.FakeMastodon, tmp_path: Path, no_sleep: list[float]) -> None:
    files = (media(tmp_path, "a.png", "image/png"), media(tmp_path, "b.jpg", "image/jpeg"))
    connector(instance.url).publish(payload(media=files))

    uploads = instance.server.calls("POST", "/api/v2/media")
    assert len(uploads) == 2
    assert uploads[0].header("Content-Type").startswith("multipart/form-data")
    assert b'name="file"; filename="a.png"' in uploads[0].body
    (status,) = instance.server.calls("POST", "/api/v1/statuses")
    assert status.form()["media_ids[]"] == list(instance.media)
    assert instance.server.calls("GET", r"/api/v1/media/\d+") == []  # ready at once: no polling
    assert no_sleep == []


def test_a_video_is_polled_until_processed(instance: fake.FakeMastodon, tmp_path: Path, no_sleep: list[float]) -> None:
    video = media(tmp_path, "promo.mp4", "video/mp4", b"VIDEO fake mp4")
    published = connector(instance.url).publish(payload(media=(video,)))

    polls = instance.server.calls("GET", r"/api/v1/media/\d+")
    assert len(polls) == instance.processing_polls + 1  # 206, 206, then 200 with the url
    assert len(no_sleep) == len(polls)
    assert instance.statuses[published.external_id]["media_attachments"][0]["type"] == "video"


def test_a_video_that_never_finishes_processing_is_transient(
    instance: fake.FakeMastodon, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance.processing_polls = 10**6
    monkeypatch.setattr(mastodon_module, "PROCESSING_TIMEOUT", -1.0)
    video = media(tmp_path, "promo.mp4", "video/mp4", b"VIDEO fake mp4")
    with pytest.raises(TransientError, match="still processing"):
        connector(instance.url).publish(payload(media=(video,)))
    assert instance.statuses == {}


def test_a_video_with_images_or_five_images_is_refused_before_uploading(instance: fake.FakeMastodon, tmp_path: Path) -> None:
    video = media(tmp_path, "promo.mp4", "video/mp4", b"VIDEO")
    image = media(tmp_path, "a.png", "image/png")
    with pytest.raises(PermanentError, match="one video"):
        connector(instance.url).publish(payload(media=(image, video)))
    with pytest.raises(PermanentError, match="at most 4"):  # limits never read: Mastodon's defaults
        connector(instance.url).publish(payload(media=(image,) * 5))
    assert instance.server.requests == []


def test_without_an_instance_url_nothing_is_sent() -> None:
    mastodon = MastodonConnector(AccountConfig(config={}, credentials={"access_token": fake.TOKEN}))
    with pytest.raises(PermanentError, match="instance URL"):
        mastodon.publish(payload())


# ---------------------------------------------------------------------------------------- errors
def test_an_invalid_token_is_an_auth_error(instance: fake.FakeMastodon) -> None:
    with pytest.raises(AuthError, match="The access token is invalid") as raised:
        connector(instance.url, token="revoked").publish(payload())
    assert raised.value.status == 401


def test_text_over_the_limit_is_refused_with_mastodons_message(instance: fake.FakeMastodon) -> None:
    with pytest.raises(PermanentError) as raised:  # an account whose limits were never read: the instance judges
        connector(instance.url, max_characters=5000).publish(payload(text="kopi " * 220))
    assert not isinstance(raised.value, AuthError)
    assert raised.value.message == "Mastodon refused the post: Validation failed: Text character limit of 1000 exceeded"


# -- the instance's own limits (GET /api/v2/instance), read when the account is tested
def test_test_connection_reads_the_instances_limits(instance: fake.FakeMastodon) -> None:
    mastodon = connector(instance.url)
    mastodon.test_connection()
    assert mastodon.learned == {"max_characters": 1000, "max_media_attachments": 6, "characters_reserved_per_url": 23}


def test_the_instances_limits_are_used_when_publishing(
    instance: fake.FakeMastodon, tmp_path: Path, no_sleep: list[float]
) -> None:
    limits = {"max_characters": 1000, "max_media_attachments": 6, "characters_reserved_per_url": 23}
    image = media(tmp_path, "a.png", "image/png")
    published = connector(instance.url, **limits).publish(payload(text="kopi " * 180, media=(image,) * 6))
    assert len(instance.statuses[published.external_id]["media_attachments"]) == 6
    with pytest.raises(PermanentError, match="at most 6"):
        connector(instance.url, **limits).publish(payload(key="k2", media=(image,) * 7))
    # 975 characters, a blank line and a 57-character link: 975 + 2 + 23 = 1000 passes (a link counts 23)...
    connector(instance.url, **limits).publish(payload(key="k3", text="k" * 975, hashtags=()))
    # ...one over the instance's limit is refused before anything is sent.
    before = len(instance.server.requests)
    with pytest.raises(PermanentError, match="at most 1000"):
        connector(instance.url, **limits).publish(payload(key="k4", text="k" * 976, hashtags=()))
    assert len(instance.server.requests) == before


def test_an_instance_with_lower_limits_is_respected(instance: fake.FakeMastodon, tmp_path: Path) -> None:
    instance.max_characters, instance.max_media_attachments = 300, 2
    mastodon = connector(instance.url)
    mastodon.test_connection()
    limited = connector(instance.url, **mastodon.learned)
    with pytest.raises(PermanentError, match="at most 2"):
        limited.publish(payload(media=(media(tmp_path, "a.png", "image/png"),) * 3))
    with pytest.raises(PermanentError, match="at most 300"):
        limited.publish(payload(text="k" * 400))
    assert instance.server.calls("POST", r"/api/v1/statuses") == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(429, {"error": "Too many requests"}, headers={"Retry-After": "17"}), RateLimited),
        (Reply(500, {"error": "We're sorry, but something went wrong on our end."}), TransientError),
        (Reply(503, "Service Unavailable"), TransientError),
        (Reply(504, "Gateway Timeout"), OutcomeUnknown),
        (Reply(403, {"error": "This action is outside the authorized scopes"}), AuthError),
        (Reply(422, {"error": "Validation failed: Text can't be blank"}), PermanentError),
    ],
)
def test_error_classes(reply: Reply, error: type[Exception]) -> None:
    server = FakeServer()
    server.route("POST", "/api/v1/statuses")(lambda request: reply)
    with server, pytest.raises(error) as raised:
        connector(server.url).publish(payload())
    assert type(raised.value) is error
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 17
    if reply.status == 422:
        assert "Text can't be blank" in str(raised.value)


def test_a_rate_limit_without_retry_after_waits_until_the_reset_time() -> None:
    reset = datetime(2025, 1, 1, 12, 5, tzinfo=UTC)
    headers = httpx.Headers({"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()})
    now = datetime(2025, 1, 1, 12, 0, 30, tzinfo=UTC).timestamp()
    assert rate_limit_wait(headers, now=now) == 270
    assert rate_limit_wait(httpx.Headers({"X-RateLimit-Reset": "2025-01-01T12:05:00.000Z"}), now=now) == 270
    assert rate_limit_wait(httpx.Headers({})) is None


def test_a_rate_limit_from_the_server_carries_the_reset_wait() -> None:
    server = FakeServer()
    reset = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    server.route("POST", "/api/v2/media")(
        lambda request: Reply(429, {"error": "Too many requests"}, headers={"X-RateLimit-Reset": reset})
    )
    image = MediaFile(name="a.png", mime_type="image/png", url="", path=__file__)
    with server, pytest.raises(RateLimited) as raised:
        connector(server.url).publish(payload(media=(image,)))
    assert raised.value.retry_after is not None and 100 < raised.value.retry_after <= 120


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/api/v1/statuses")(lambda request: Reply(200, {"id": "1"}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload())


def test_an_unreachable_instance_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        connector("http://127.0.0.1:9").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


# ---------------------------------------------------------------------- find, delete, connection
def test_find_matches_the_status_by_its_rendered_text(instance: fake.FakeMastodon) -> None:
    mastodon = connector(instance.url)
    assert mastodon.can_find()
    assert mastodon.find(payload()) is None
    connector(instance.url).publish(payload(key="other", text="Promo lain"))
    published = mastodon.publish(payload())

    found = mastodon.find(payload())

    assert found is not None
    assert found.external_id == published.external_id
    assert found.url == published.url
    (lookup,) = instance.server.calls("GET", rf"/api/v1/accounts/{fake.ACCOUNT_ID}/statuses")[-1:]
    assert lookup.query["limit"] == ["40"]
    assert lookup.query["exclude_reblogs"] == ["true"]


def test_find_does_not_take_the_same_text_with_another_link(instance: fake.FakeMastodon) -> None:
    connector(instance.url).publish(payload(link="https://kopi.id/menu?utm_content=7-mastodon"))
    assert connector(instance.url).find(payload(key="key-2", link="https://kopi.id/menu?utm_content=8-mastodon")) is None


def test_find_ignores_an_identical_post_from_before_the_scheduled_time(instance: fake.FakeMastodon) -> None:
    connector(instance.url).publish(payload())
    later = payload(key="key-2", publish_at=datetime.now(UTC) + timedelta(days=7))
    assert connector(instance.url).find(later) is None


def test_plain_text_reads_mastodons_html() -> None:
    content = (
        '<p>Kopi &amp; roti &lt;3<br />Hari ini</p><p><a href="https://kopi.id/m?a=1&amp;b=2"><span class="invisible">'
        'https://</span><span class="ellipsis">kopi.id/m?a=1</span><span class="invisible">&amp;b=2</span></a> '
        '<a href="https://m.social/tags/kopi" class="mention hashtag" rel="tag">#<span>kopi</span></a></p>'
    )
    assert plain_text(content) == "Kopi & roti <3 Hari ini https://kopi.id/m?a=1&b=2 #kopi"


def test_delete_removes_the_status_and_tolerates_one_already_gone(instance: fake.FakeMastodon) -> None:
    mastodon = connector(instance.url)
    published = mastodon.publish(payload())
    mastodon.delete(published.external_id)
    assert instance.statuses == {}
    mastodon.delete(published.external_id)  # 404: already gone
    assert len(instance.server.calls("DELETE", r"/api/v1/statuses/\d+")) == 2


def test_test_connection_names_the_account(instance: fake.FakeMastodon) -> None:
    assert connector(instance.url).test_connection() == f"@{fake.USERNAME}@127.0.0.1"
    with pytest.raises(AuthError):
        connector(instance.url, token="wrong").test_connection()


def test_capabilities_and_registry() -> None:
    assert connector_class("mastodon") is MastodonConnector
    caps = MastodonConnector.capabilities
    assert caps.idempotency_key and caps.can_find and caps.can_delete
    assert not caps.refreshes_tokens
    assert caps.max_media == 4 and caps.max_text == 500
    assert caps.media_types == {"image", "video"}
    assert {(limit.count, limit.seconds) for limit in caps.rate_limits} == {(300, 300), (30, 1800)}
    assert all(limit.source == "https://docs.joinmastodon.org/api/rate-limits/" for limit in caps.rate_limits)
    assert caps.docs.startswith("https://docs.joinmastodon.org/")
    names = {name for name, _label, _secret, _required in MastodonConnector.fields}
    assert names == {"base_url", "visibility", "access_token"}
    assert ("access_token", True) in {(name, secret) for name, _l, secret, _r in MastodonConnector.fields}
    assert MastodonConnector(AccountConfig(config={}, credentials={})).refresh() is None
