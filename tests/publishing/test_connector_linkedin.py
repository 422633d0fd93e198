"""The LinkedIn connector against a fake that speaks the versioned REST Posts/Images API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from alur.publishing.connectors import connector_class
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
from alur.publishing.connectors.linkedin import (
    DEFAULT_VERSION,
    LinkedInConnector,
    _seconds_to_midnight_utc,
    escape_little_text,
)
from tests.publishing.fakes import linkedin as fake
from tests.publishing.fakes.server import FakeServer, Reply


@pytest.fixture
def platform() -> Iterator[fake.FakeLinkedIn]:
    with fake.FakeLinkedIn() as server:
        yield server


def connector(
    url: str, *, author: str = fake.ORG, token: str = fake.TOKEN, timeout: float = 5.0, **config: object
) -> LinkedInConnector:
    return LinkedInConnector(
        AccountConfig(
            config={"base_url": url, "oauth_url": url, "author": author, **config},
            credentials={
                "access_token": token,
                "refresh_token": fake.REFRESH_TOKEN,
                "client_id": fake.CLIENT_ID,
                "client_secret": fake.CLIENT_SECRET,
            },
        ),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = "key-1", **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "text": "Kopi susu gula aren (edisi terbatas) hadir hari ini!",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/menu?utm_source=linkedin",
        "title": "Menu baru",
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


def image(tmp_path: Path, name: str = "a.png") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG fake " + name.encode())
    return MediaFile(name=name, mime_type="image/png", url=f"https://cdn.kopi.id/{name}", path=str(path), size=20)


# ------------------------------------------------------------------------------------- publishing
def test_a_link_post_is_an_article_with_the_versioned_headers(platform: fake.FakeLinkedIn) -> None:
    published = connector(platform.url).publish(payload())
    (request,) = platform.server.calls("POST", "/rest/posts")
    assert request.header("Authorization") == f"Bearer {fake.TOKEN}"
    assert request.header("LinkedIn-Version") == DEFAULT_VERSION
    assert request.header("X-Restli-Protocol-Version") == "2.0.0"
    body = request.json()
    assert body["author"] == fake.ORG
    assert body["commentary"] == "Kopi susu gula aren \\(edisi terbatas\\) hadir hari ini!\n\n#kopi"
    assert body["visibility"] == "PUBLIC"
    assert body["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert body["lifecycleState"] == "PUBLISHED"
    assert body["content"] == {"article": {"source": "https://kopi.id/menu?utm_source=linkedin", "title": "Menu baru"}}
    assert published.external_id.startswith("urn:li:share:")
    assert published.url == f"https://www.linkedin.com/feed/update/{published.external_id}"
    assert published.external_id in platform.posts


def test_the_api_version_is_a_setting(platform: fake.FakeLinkedIn) -> None:
    connector(platform.url, api_version="202601").publish(payload())
    (request,) = platform.server.calls("POST", "/rest/posts")
    assert request.header("LinkedIn-Version") == "202601"


def test_one_image_is_uploaded_then_attached_as_media(platform: fake.FakeLinkedIn, tmp_path: Path) -> None:
    picture = image(tmp_path)
    published = connector(platform.url).publish(payload(media=(picture,)))
    (init,) = platform.server.calls("POST", "/rest/images")
    assert init.query["action"] == ["initializeUpload"]
    assert init.json() == {"initializeUploadRequest": {"owner": fake.ORG}}
    (upload,) = platform.server.calls("PUT", r"/dms-uploads/.+")
    assert upload.body == picture.read()
    assert upload.header("Authorization") == f"Bearer {fake.TOKEN}"
    body = platform.posts[published.external_id]
    (urn,) = platform.images
    assert body["content"] == {"media": {"id": urn}}
    # With an image the link cannot be an article card, so it goes into the text.
    assert body["commentary"].endswith("#kopi\n\nhttps://kopi.id/menu?utm_source=linkedin")


def test_several_images_become_a_multi_image_post(platform: fake.FakeLinkedIn, tmp_path: Path) -> None:
    pictures = (image(tmp_path, "a.png"), image(tmp_path, "b.png"), image(tmp_path, "c.png"))
    published = connector(platform.url).publish(payload(media=pictures))
    images = platform.posts[published.external_id]["content"]["multiImage"]["images"]
    assert [i["id"] for i in images] == list(platform.images)
    assert [platform.images[i["id"]]["data"] for i in images] == [p.read() for p in pictures]


def test_video_is_refused_before_anything_is_sent(platform: fake.FakeLinkedIn, tmp_path: Path) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(b"video")
    video = MediaFile(name="v.mp4", mime_type="video/mp4", url="https://cdn.kopi.id/v.mp4", path=str(path))
    with pytest.raises(PermanentError, match="images only"):
        connector(platform.url).publish(payload(media=(video,)))
    assert platform.server.requests == []


def test_a_missing_author_is_a_clear_permanent_error(platform: fake.FakeLinkedIn) -> None:
    with pytest.raises(PermanentError, match="urn:li:organization"):
        connector(platform.url, author="kopikita").publish(payload())


def test_little_text_escaping_keeps_hashtags_and_urls() -> None:
    text = "Promo (50%) @kantor [baru] #kopi https://kopi.id/a_b~c #1 and a # alone"
    assert escape_little_text(text) == ("Promo \\(50%\\) \\@kantor \\[baru\\] #kopi https://kopi.id/a_b~c #1 and a \\# alone")


# ----------------------------------------------------------------------------------------- errors
def test_an_invalid_token_is_an_auth_error_not_revoked(platform: fake.FakeLinkedIn) -> None:
    with pytest.raises(AuthError) as raised:
        connector(platform.url, token="wrong").publish(payload())
    assert raised.value.status == 401
    assert not raised.value.revoked
    assert "Invalid access token" in raised.value.message


def test_a_revoked_token_is_flagged_revoked(platform: fake.FakeLinkedIn) -> None:
    platform.revoked.add(fake.TOKEN)
    with pytest.raises(AuthError) as raised:
        connector(platform.url).publish(payload())
    assert raised.value.revoked
    assert "revoked" in raised.value.message


def test_a_validation_error_carries_linkedins_message() -> None:
    server = FakeServer()
    body = {
        "status": 422,
        "code": "UNPROCESSABLE_ENTITY",
        "message": "ERROR :: /commentary :: is invalid",
        "errorDetails": {"inputErrors": [{"description": "Commentary contains invalid little text"}]},
    }
    server.route("POST", "/rest/posts")(lambda request: Reply(422, body))
    with server, pytest.raises(PermanentError) as raised:
        connector(server.url).publish(payload())
    assert not isinstance(raised.value, AuthError)
    assert raised.value.message.startswith("LinkedIn refused the post: ERROR :: /commentary :: is invalid")
    assert "Commentary contains invalid little text" in raised.value.message


def test_a_bad_request_is_permanent() -> None:
    server = FakeServer()
    server.route("POST", "/rest/posts")(lambda request: Reply(400, {"status": 400, "message": "Invalid author"}))
    with server, pytest.raises(PermanentError, match="Invalid author"):
        connector(server.url).publish(payload())


def test_missing_permission_is_permanent_not_an_auth_error() -> None:
    server = FakeServer()
    denied = {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED", "message": "Not enough permissions"}
    server.route("POST", "/rest/posts")(lambda request: Reply(403, denied))
    with server, pytest.raises(PermanentError) as raised:
        connector(server.url).publish(payload())
    assert not isinstance(raised.value, AuthError)
    assert "Not enough permissions" in raised.value.message


def test_429_with_retry_after_is_rate_limited() -> None:
    server = FakeServer()
    throttled = {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS", "message": "Too many requests"}
    server.route("POST", "/rest/posts")(lambda request: Reply(429, throttled, headers={"Retry-After": "42"}))
    with server, pytest.raises(RateLimited) as raised:
        connector(server.url).publish(payload())
    assert raised.value.retry_after == 42


def test_a_daily_quota_429_waits_until_midnight_utc() -> None:
    server = FakeServer()
    throttled = {
        "status": 429,
        "serviceErrorCode": 101,
        "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
    }
    server.route("POST", "/rest/posts")(lambda request: Reply(429, throttled))
    with server, pytest.raises(RateLimited) as raised:
        connector(server.url).publish(payload())
    assert raised.value.retry_after is not None and 0 < raised.value.retry_after <= 86400
    assert _seconds_to_midnight_utc(datetime(2026, 3, 1, 23, 0, tzinfo=UTC)) == 3600


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(status: int) -> None:
    server = FakeServer()
    server.route("POST", "/rest/posts")(lambda request: Reply(status, {"status": status, "message": "Internal"}))
    with server, pytest.raises(TransientError) as raised:
        connector(server.url).publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_gateway_timeout_on_create_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/rest/posts")(lambda request: Reply(504, "Gateway Timeout"))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url).publish(payload())


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/rest/posts")(lambda request: Reply(201, b"", headers={"x-restli-id": "urn:li:share:1"}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload())


def test_a_201_without_the_post_urn_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/rest/posts")(lambda request: Reply(201, b""))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url).publish(payload())


# ---------------------------------------------------------------------------- find / delete / refresh
def test_find_matches_the_commentary_among_the_authors_posts(platform: fake.FakeLinkedIn) -> None:
    linkedin = connector(platform.url)
    assert linkedin.can_find()
    assert linkedin.find(payload()) is None
    published = linkedin.publish(payload())
    linkedin.publish(payload("other", text="Another post"))
    found = linkedin.find(payload())
    assert found is not None and found.external_id == published.external_id
    (request, *_) = platform.server.calls("GET", "/rest/posts")
    assert request.query["author"] == [fake.ORG]
    assert request.query["q"] == ["author"]
    assert request.query["count"] == ["20"]
    assert request.header("X-RestLi-Method") == "FINDER"


def test_member_posts_are_only_looked_up_with_the_read_permission(platform: fake.FakeLinkedIn) -> None:
    member = connector(platform.url, author=fake.PERSON)
    assert not member.can_find()
    with pytest.raises(PermanentError):
        member.find(payload())
    assert connector(platform.url, author=fake.PERSON, member_posts_readable=True).can_find()


def test_delete_sends_the_encoded_urn(platform: fake.FakeLinkedIn) -> None:
    linkedin = connector(platform.url)
    published = linkedin.publish(payload())
    linkedin.delete(published.external_id)
    (request,) = platform.server.calls("DELETE", r"/rest/posts/.+")
    assert request.path == "/rest/posts/" + published.external_id.replace(":", "%3A")
    assert request.header("X-RestLi-Method") == "DELETE"
    assert published.external_id not in platform.posts
    linkedin.delete(published.external_id)  # already gone: fine


def test_refresh_returns_the_new_token_and_keeps_the_refresh_token(platform: fake.FakeLinkedIn) -> None:
    tokens = connector(platform.url).refresh()
    assert tokens is not None
    assert tokens.access_token in platform.tokens and tokens.access_token != fake.TOKEN
    assert tokens.refresh_token == fake.REFRESH_TOKEN
    assert tokens.expires_at is not None and tokens.expires_at > datetime.now(UTC)
    (request,) = platform.server.calls("POST", "/oauth/v2/accessToken")
    assert request.form() == {
        "grant_type": ["refresh_token"],
        "refresh_token": [fake.REFRESH_TOKEN],
        "client_id": [fake.CLIENT_ID],
        "client_secret": [fake.CLIENT_SECRET],
    }


def test_refresh_keeps_the_old_refresh_token_when_none_is_sent() -> None:
    server = FakeServer()
    server.route("POST", "/oauth/v2/accessToken")(lambda request: Reply(200, {"access_token": "new", "expires_in": 60}))
    with server:
        tokens = connector(server.url).refresh()
    assert tokens is not None and tokens.access_token == "new" and tokens.refresh_token == ""


def test_an_invalid_refresh_token_is_a_revoked_auth_error(platform: fake.FakeLinkedIn) -> None:
    platform.refresh_tokens.clear()
    with pytest.raises(AuthError) as raised:
        connector(platform.url).refresh()
    assert raised.value.revoked
    assert "invalid, expired or revoked" in raised.value.message


def test_refresh_without_a_refresh_token_is_none(platform: fake.FakeLinkedIn) -> None:
    linkedin = LinkedInConnector(
        AccountConfig(config={"base_url": platform.url, "author": fake.ORG}, credentials={"access_token": fake.TOKEN})
    )
    assert linkedin.refresh() is None


def test_test_connection_names_the_page_or_the_member(platform: fake.FakeLinkedIn) -> None:
    assert connector(platform.url).test_connection() == f"Kopi Kita ({fake.ORG})"
    assert connector(platform.url, author=fake.PERSON).test_connection() == f"Sari Wulandari ({fake.PERSON})"
    with pytest.raises(AuthError):
        connector(platform.url, token="wrong").test_connection()


# ---------------------------------------------------------------------------------- declarations
def test_registry_and_capabilities() -> None:
    assert connector_class("linkedin") is LinkedInConnector
    caps = LinkedInConnector.capabilities
    assert caps.media_types == frozenset({"image"})
    assert caps.max_media == 20
    assert caps.max_text == 3000
    assert caps.can_delete and caps.can_find and caps.refreshes_tokens
    assert not caps.idempotency_key
    assert caps.rate_limits[0].count == 150 and caps.rate_limits[0].seconds == 86400
    assert caps.docs.startswith("https://learn.microsoft.com/")
    names = {name for name, *_ in LinkedInConnector.fields}
    assert {"author", "access_token", "refresh_token", "client_id", "client_secret"} <= names
    secrets = {name for name, _, secret, _ in LinkedInConnector.fields if secret}
    assert {"access_token", "refresh_token", "client_secret"} <= secrets


def test_a_sunset_version_is_refused_with_426_and_a_clear_message(platform: fake.FakeLinkedIn) -> None:
    """LinkedIn's versioning page: a sunset version answers 426 on every call (202510 was sunset 2026-10-15)."""
    platform.today = date(2026, 12, 7)
    with pytest.raises(PermanentError) as raised:
        connector(platform.url, api_version="202510").publish(payload())
    assert raised.value.status == 426
    assert "version" in raised.value.message
    assert not platform.posts
    platform.today = date(2026, 10, 14)
    connector(platform.url, api_version="202510").publish(payload())
    assert platform.posts
