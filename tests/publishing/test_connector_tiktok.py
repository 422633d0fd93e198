"""The TikTok connector against a fake that speaks the Content Posting API's documented contract."""

from __future__ import annotations

from collections.abc import Iterator
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
from alur.publishing.connectors.tiktok import TikTokConnector
from tests.publishing.fakes.server import FakeServer, Reply
from tests.publishing.fakes.tiktok import CLIENT_KEY, CLIENT_SECRET, REFRESH_TOKEN, TOKEN, TikTokFake, error


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TikTokConnector, "POLL_INTERVAL", 0.0)


@pytest.fixture
def tiktok() -> Iterator[TikTokFake]:
    with TikTokFake() as fake:
        yield fake


# The person's explicit choices (required account settings): an unaudited app, so private posts.
CHOICES = {
    "privacy_level": "SELF_ONLY",
    "app_audited": "no",
    "allow_comments": "yes",
    "allow_duet": "yes",
    "allow_stitch": "yes",
    "commercial_content": "none",
}


def connector(base_url: str, *, token: str = TOKEN, timeout: float = 5.0, **settings: object) -> TikTokConnector:
    return TikTokConnector(
        AccountConfig(
            config={"base_url": base_url, **CHOICES, **settings},
            credentials={
                "access_token": token,
                "refresh_token": REFRESH_TOKEN,
                "client_key": CLIENT_KEY,
                "client_secret": CLIENT_SECRET,
            },
        ),
        client=httpx.Client(timeout=timeout),
    )


def video_file(tmp_path: Path, size: int = 150) -> MediaFile:
    path = tmp_path / "promo.mp4"
    path.write_bytes(bytes(index % 251 for index in range(size)))
    return MediaFile("promo.mp4", "video/mp4", "https://cdn.kopi.id/promo.mp4", str(path), size)


def image(name: str) -> MediaFile:
    return MediaFile(name, "image/jpeg", f"https://cdn.kopi.id/{name}")


def payload(*media: MediaFile, text: str = "Kopi susu gula aren\nDiskon 20% hari ini") -> Payload:
    return Payload(idempotency_key="key-1", text=text, hashtags=("kopi",), media=media)


def test_a_video_file_is_uploaded_whole_and_published(tiktok: TikTokFake, tmp_path: Path) -> None:
    tiktok.audited = True
    published = connector(tiktok.url, privacy_level="PUBLIC_TO_EVERYONE", app_audited="yes").publish(
        payload(video_file(tmp_path))
    )

    assert published.external_id == "7291234567890123456"
    assert published.url == "https://www.tiktok.com/@kopi.nusantara/video/7291234567890123456"
    assert published.raw["publish_id"] == "v_pub_file~v2-1.1"
    (init,) = tiktok.server.calls("POST", "/v2/post/publish/video/init/")
    assert init.header("Authorization") == f"Bearer {TOKEN}"
    assert init.header("Content-Type") == "application/json; charset=UTF-8"
    body = init.json()
    assert body["post_info"]["title"] == "Kopi susu gula aren\nDiskon 20% hari ini\n\n#kopi"
    assert body["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert body["post_info"]["disable_comment"] is False
    assert body["post_info"]["disable_duet"] is False
    assert body["post_info"]["disable_stitch"] is True  # the creator has turned stitches off in TikTok
    assert body["post_info"]["brand_content_toggle"] is False and body["post_info"]["brand_organic_toggle"] is False
    assert body["source_info"] == {"source": "FILE_UPLOAD", "video_size": 150, "chunk_size": 150, "total_chunk_count": 1}
    (put,) = tiktok.server.calls("PUT", "/upload/.*")
    assert put.header("Content-Range") == "bytes 0-149/150"
    assert put.header("Content-Type") == "video/mp4"
    assert "authorization" not in put.headers
    assert bytes(tiktok.uploads["v_pub_file~v2-1.1"].received) == Path(video_file(tmp_path).path).read_bytes()
    # creator info first (as the docs require), then init, then status polled until complete
    paths = [r.path for r in tiktok.server.requests if r.method == "POST"]
    assert paths[0] == "/v2/post/publish/creator_info/query/"
    assert paths.count("/v2/post/publish/status/fetch/") == 2


def test_a_large_video_goes_in_sequential_chunks_with_the_tail_in_the_last(
    tiktok: TikTokFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real limits (5–64 MB chunks) scaled down to bytes so the test stays fast.
    monkeypatch.setattr(TikTokConnector, "MAX_SINGLE_CHUNK", 64)
    monkeypatch.setattr(TikTokConnector, "CHUNK_SIZE", 20)
    tiktok.min_chunk, tiktok.max_single = 5, 64

    connector(tiktok.url).publish(payload(video_file(tmp_path, size=150)))

    source = tiktok.server.calls("POST", "/v2/post/publish/video/init/")[0].json()["source_info"]
    assert source == {"source": "FILE_UPLOAD", "video_size": 150, "chunk_size": 20, "total_chunk_count": 7}
    ranges = [r.header("Content-Range") for r in tiktok.server.calls("PUT", "/upload/.*")]
    assert ranges[0] == "bytes 0-19/150"
    assert ranges[-1] == "bytes 120-149/150"
    assert len(ranges) == 7
    assert len(tiktok.uploads["v_pub_file~v2-1.1"].received) == 150


def test_pull_from_url_sends_the_public_video_url(tiktok: TikTokFake) -> None:
    video = MediaFile("promo.mp4", "video/mp4", "https://cdn.kopi.id/promo.mp4")
    published = connector(tiktok.url, privacy_level="SELF_ONLY").publish(payload(video))

    body = tiktok.server.calls("POST", "/v2/post/publish/video/init/")[0].json()
    assert body["source_info"] == {"source": "PULL_FROM_URL", "video_url": "https://cdn.kopi.id/promo.mp4"}
    assert body["post_info"]["privacy_level"] == "SELF_ONLY"
    assert published.external_id == "7291234567890123456"
    assert not tiktok.server.calls("PUT", "/upload/.*")


def test_photos_go_through_content_init_as_a_carousel(tiktok: TikTokFake) -> None:
    published = connector(tiktok.url).publish(payload(image("a.jpg"), image("b.jpg")))

    body = tiktok.server.calls("POST", "/v2/post/publish/content/init/")[0].json()
    assert body["media_type"] == "PHOTO"
    assert body["post_mode"] == "DIRECT_POST"
    assert body["source_info"]["photo_images"] == ["https://cdn.kopi.id/a.jpg", "https://cdn.kopi.id/b.jpg"]
    assert body["post_info"]["title"] == "Kopi susu gula aren"
    assert body["post_info"]["description"].endswith("#kopi")
    assert published.url == "https://www.tiktok.com/@kopi.nusantara/photo/7291234567890123456"


def test_without_a_public_post_id_the_publish_id_is_the_external_id(tiktok: TikTokFake, tmp_path: Path) -> None:
    tiktok.statuses = [{"status": "PUBLISH_COMPLETE"}]
    published = connector(tiktok.url).publish(payload(video_file(tmp_path)))
    assert published.external_id == "v_pub_file~v2-1.1"
    assert published.url == ""


def test_a_failed_publish_is_permanent_with_tiktoks_reason(tiktok: TikTokFake, tmp_path: Path) -> None:
    tiktok.statuses = [{"status": "FAILED", "fail_reason": "duration_check_failed"}]
    with pytest.raises(PermanentError) as raised:
        connector(tiktok.url).publish(payload(video_file(tmp_path)))
    assert "duration_check_failed" in raised.value.message
    assert not isinstance(raised.value, AuthError)


def test_processing_past_the_time_limit_is_an_unknown_outcome(tiktok: TikTokFake, tmp_path: Path) -> None:
    tiktok.statuses = [{"status": "PROCESSING_DOWNLOAD"}]
    with pytest.raises(OutcomeUnknown) as raised:
        connector(tiktok.url, status_timeout=0).publish(payload(video_file(tmp_path)))
    assert "v_pub_file~v2-1.1" in raised.value.detail


def test_a_privacy_level_the_creator_does_not_allow_stops_before_posting(tiktok: TikTokFake, tmp_path: Path) -> None:
    tiktok.privacy_level_options = ["SELF_ONLY"]
    with pytest.raises(PermanentError) as raised:
        connector(tiktok.url, privacy_level="PUBLIC_TO_EVERYONE", app_audited="yes").publish(payload(video_file(tmp_path)))
    assert "SELF_ONLY" in raised.value.message
    assert not tiktok.server.calls("POST", "/v2/post/publish/video/init/")


@pytest.mark.parametrize(
    "media",
    [
        (),
        (MediaFile("a.mp4", "video/mp4", "https://x/a.mp4"), MediaFile("b.mp4", "video/mp4", "https://x/b.mp4")),
        (MediaFile("a.mp4", "video/mp4", "https://x/a.mp4"), MediaFile("b.jpg", "image/jpeg", "https://x/b.jpg")),
    ],
)
def test_media_tiktok_cannot_take_is_refused_without_a_call(tiktok: TikTokFake, media: tuple[MediaFile, ...]) -> None:
    with pytest.raises(PermanentError):
        connector(tiktok.url).publish(payload(*media))
    assert not tiktok.server.requests


@pytest.mark.parametrize(
    ("reply", "expected", "retry_after"),
    [
        (error(429, "rate_limit_exceeded", "API rate limit exceeded.", {"Retry-After": "17"}), RateLimited, 17),
        (error(403, "spam_risk_too_many_posts", "The daily post cap from the API is reached."), RateLimited, 3600),
        (error(401, "access_token_invalid", "The access token is invalid."), AuthError, None),
        (error(400, "invalid_params", "title is too long."), PermanentError, None),
        (error(403, "privacy_level_option_mismatch", "privacy_level is not allowed."), PermanentError, None),
        (error(500, "internal_error", "Something went wrong."), TransientError, None),
        (Reply(502, "Bad Gateway"), TransientError, None),
        # TikTok may also put the error in an HTTP 200 answer.
        (error(200, "spam_risk_too_many_posts", "The daily post cap from the API is reached."), RateLimited, 3600),
        (error(200, "invalid_params", "video_url is malformed."), PermanentError, None),
    ],
)
def test_error_classes(
    tiktok: TikTokFake, tmp_path: Path, reply: Reply, expected: type[Exception], retry_after: float | None
) -> None:
    tiktok.init_reply = reply
    with pytest.raises(expected) as raised:
        connector(tiktok.url).publish(payload(video_file(tmp_path)))
    error_ = raised.value
    if retry_after is not None:
        assert isinstance(error_, RateLimited) and error_.retry_after == retry_after
    if expected is PermanentError:
        assert not isinstance(error_, AuthError)
        assert "TikTok refused the post" in str(error_)
        assert reply.body["error"]["message"] in str(error_)


def test_an_expired_token_is_an_auth_error(tiktok: TikTokFake, tmp_path: Path) -> None:
    with pytest.raises(AuthError) as raised:
        connector(tiktok.url, token="act.expired").publish(payload(video_file(tmp_path)))
    assert "Reconnect" in raised.value.message


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/v2/post/publish/creator_info/query/")(lambda request: Reply(200, {}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload(image("a.jpg")))


def test_an_unreachable_api_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        connector("http://127.0.0.1:9").publish(payload(image("a.jpg")))
    assert not isinstance(raised.value, OutcomeUnknown)


def test_test_connection_names_the_creator_and_checks_the_privacy_level(tiktok: TikTokFake) -> None:
    assert connector(tiktok.url).test_connection() == "Kopi Nusantara"
    with pytest.raises(PermanentError):
        connector(tiktok.url, privacy_level="FOLLOWER_OF_CREATOR", app_audited="yes").test_connection()
    with pytest.raises(PermanentError):
        connector(tiktok.url, privacy_level="EVERYONE").test_connection()


def test_refresh_returns_the_rotated_refresh_token(tiktok: TikTokFake) -> None:
    tokens = connector(tiktok.url).refresh()
    assert tokens.access_token == "act.fresh"
    assert tokens.refresh_token == "rft.rotated"
    assert tokens.expires_at is not None
    (call,) = tiktok.server.calls("POST", "/v2/oauth/token/")
    assert call.form()["grant_type"] == ["refresh_token"]
    assert call.header("Content-Type") == "application/x-www-form-urlencoded"


def test_a_revoked_refresh_token_needs_reconnecting(tiktok: TikTokFake) -> None:
    account = AccountConfig(
        config={"base_url": tiktok.url},
        credentials={"refresh_token": "rft.revoked", "client_key": CLIENT_KEY, "client_secret": CLIENT_SECRET},
    )
    with pytest.raises(AuthError) as raised:
        TikTokConnector(account).refresh()
    assert raised.value.revoked
    assert "Refresh token is invalid or expired" in raised.value.message


def test_capabilities_are_declared_truthfully() -> None:
    assert connector_class("tiktok") is TikTokConnector
    caps = TikTokConnector.capabilities
    assert caps.media_types == {"image", "video"}
    assert caps.max_media == 35
    assert not caps.can_delete
    assert not caps.can_find
    assert not caps.idempotency_key
    assert caps.refreshes_tokens
    assert any(limit.count == 6 and limit.seconds == 60 for limit in caps.rate_limits)
    assert "developers.tiktok.com" in caps.docs
    tiktok_connector = connector("http://127.0.0.1:9")
    assert not tiktok_connector.can_find()
    with pytest.raises(PermanentError):
        tiktok_connector.delete("7291234567890123456")
    with pytest.raises(PermanentError):
        tiktok_connector.find(payload())


@pytest.mark.parametrize(
    "missing", ["privacy_level", "app_audited", "allow_comments", "allow_duet", "allow_stitch", "commercial_content"]
)
def test_no_choice_is_defaulted_a_missing_one_stops_before_posting(tiktok: TikTokFake, missing: str) -> None:
    settings = {**CHOICES, "privacy_level": "PUBLIC_TO_EVERYONE", missing: ""}
    tiktok.audited = True
    with pytest.raises(PermanentError, match="account settings"):
        connector(tiktok.url, **settings).publish(payload(MediaFile("a.mp4", "video/mp4", "https://cdn.kopi.id/a.mp4")))
    assert not tiktok.server.calls("POST", "/v2/post/publish/video/init/")


def test_an_unaudited_app_posts_private_only(tiktok: TikTokFake, tmp_path: Path) -> None:
    """TikTok's Direct Post guidelines: an unaudited client may post SELF_ONLY only."""
    with pytest.raises(PermanentError, match="SELF_ONLY") as raised:
        connector(tiktok.url, privacy_level="PUBLIC_TO_EVERYONE").publish(payload(video_file(tmp_path)))
    assert "audit" in raised.value.message
    assert not tiktok.server.calls("POST", "/v2/post/publish/video/init/")
    # An account that says "audited" when TikTok has not audited the app: TikTok's own refusal comes through.
    with pytest.raises(PermanentError) as refused:
        connector(tiktok.url, privacy_level="PUBLIC_TO_EVERYONE", app_audited="yes").publish(payload(video_file(tmp_path)))
    assert "unaudited_client_can_only_post_to_private_accounts" in refused.value.detail
    assert not tiktok.posts


def test_the_persons_choices_are_sent_as_chosen(tiktok: TikTokFake) -> None:
    tiktok.audited = True
    tiktok.stitch_disabled = False
    video = MediaFile("a.mp4", "video/mp4", "https://cdn.kopi.id/a.mp4")
    connector(
        tiktok.url,
        privacy_level="MUTUAL_FOLLOW_FRIENDS",
        app_audited="yes",
        allow_comments="no",
        allow_duet="no",
        allow_stitch="yes",
        commercial_content="your_brand",
    ).publish(payload(video))
    info = tiktok.server.calls("POST", "/v2/post/publish/video/init/")[0].json()["post_info"]
    assert info["privacy_level"] == "MUTUAL_FOLLOW_FRIENDS"
    assert (info["disable_comment"], info["disable_duet"], info["disable_stitch"]) == (True, True, False)
    assert (info["brand_organic_toggle"], info["brand_content_toggle"]) == (True, False)


def test_branded_content_cannot_be_private(tiktok: TikTokFake) -> None:
    with pytest.raises(PermanentError, match="branded content"):
        connector(tiktok.url, commercial_content="branded_content").publish(payload(image("a.jpg")))
    assert not tiktok.server.calls("POST", "/v2/post/publish/content/init/")
