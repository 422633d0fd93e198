"""The YouTube connector against a fake that speaks the Data API's documented resumable-upload contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from alur.publishing.connectors.youtube import YouTubeConnector, seconds_until_quota_reset
from tests.publishing.fakes.server import FakeServer, Reply
from tests.publishing.fakes.youtube import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, TOKEN, YouTubeFake, google_error

VIDEO_BYTES = bytes(index % 253 for index in range(4000))


@pytest.fixture
def youtube() -> Iterator[YouTubeFake]:
    with YouTubeFake() as fake:
        yield fake


def connector(base_url: str, *, token: str = TOKEN, timeout: float = 5.0, **settings: object) -> YouTubeConnector:
    return YouTubeConnector(
        AccountConfig(
            config={"base_url": base_url, "token_url": f"{base_url}/token", **settings},
            credentials={
                "access_token": token,
                "refresh_token": REFRESH_TOKEN,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ),
        client=httpx.Client(timeout=timeout),
    )


@pytest.fixture
def video(tmp_path: Path) -> MediaFile:
    path = tmp_path / "promo.mp4"
    path.write_bytes(VIDEO_BYTES)
    return MediaFile("promo.mp4", "video/mp4", "https://cdn.kopi.id/promo.mp4", str(path), len(VIDEO_BYTES))


def payload(*media: MediaFile, title: str = "", publish_at: datetime | None = None) -> Payload:
    return Payload(
        idempotency_key="key-1",
        title=title,
        text="Cara seduh kopi susu gula aren\nResep lengkap di video ini.",
        hashtags=("kopi", "resep kopi"),
        link="https://kopi.id/resep?utm_source=youtube",
        media=media,
        publish_at=publish_at,
    )


def test_publish_opens_a_resumable_session_and_uploads_the_bytes(youtube: YouTubeFake, video: MediaFile) -> None:
    published = connector(youtube.url).publish(payload(video))

    assert published.external_id == "vid00000001"
    assert published.url == "https://www.youtube.com/watch?v=vid00000001"
    (start,) = youtube.server.calls("POST", "/upload/youtube/v3/videos")
    assert start.query == {"uploadType": ["resumable"], "part": ["snippet,status"]}
    assert start.header("Authorization") == f"Bearer {TOKEN}"
    assert start.header("Content-Type") == "application/json; charset=UTF-8"
    assert start.header("X-Upload-Content-Length") == str(len(VIDEO_BYTES))
    assert start.header("X-Upload-Content-Type") == "video/mp4"
    resource = start.json()
    assert resource["snippet"]["title"] == "Cara seduh kopi susu gula aren"
    assert resource["snippet"]["description"] == (
        "Cara seduh kopi susu gula aren\nResep lengkap di video ini.\n\n#kopi #resep kopi\n\nhttps://kopi.id/resep?utm_source=youtube"
    )
    assert resource["snippet"]["tags"] == ["kopi", "resep kopi"]
    assert resource["snippet"]["categoryId"] == "22"
    assert resource["status"] == {"privacyStatus": "public"}
    (put,) = youtube.server.calls("PUT", "/upload/youtube/v3/videos")
    assert put.header("Content-Type") == "video/mp4"
    assert put.header("Content-Length") == str(len(VIDEO_BYTES))
    assert put.body == VIDEO_BYTES


def test_settings_and_an_explicit_title_shape_the_metadata(youtube: YouTubeFake, video: MediaFile) -> None:
    connector(youtube.url, privacy_status="unlisted", category_id="26").publish(payload(video, title="Resep <baru>"))
    resource = youtube.server.calls("POST", "/upload/youtube/v3/videos")[0].json()
    assert resource["snippet"]["title"] == "Resep ‹baru›"
    assert resource["snippet"]["categoryId"] == "26"
    assert resource["status"] == {"privacyStatus": "unlisted"}


def test_a_future_publish_time_schedules_a_private_video(youtube: YouTubeFake, video: MediaFile) -> None:
    when = datetime(2031, 5, 1, 3, 0, tzinfo=UTC)
    connector(youtube.url).publish(payload(video, publish_at=when))
    status = youtube.server.calls("POST", "/upload/youtube/v3/videos")[0].json()["status"]
    assert status == {"privacyStatus": "private", "publishAt": "2031-05-01T03:00:00Z"}


def test_a_past_publish_time_publishes_now(youtube: YouTubeFake, video: MediaFile) -> None:
    connector(youtube.url).publish(payload(video, publish_at=datetime.now(UTC) - timedelta(minutes=5)))
    status = youtube.server.calls("POST", "/upload/youtube/v3/videos")[0].json()["status"]
    assert status == {"privacyStatus": "public"}


def test_a_broken_transfer_is_resumed_from_the_byte_youtube_has(youtube: YouTubeFake, video: MediaFile) -> None:
    youtube.keep_only_bytes = 1500

    published = connector(youtube.url, timeout=0.3).publish(payload(video))

    assert published.external_id == "vid00000001"
    puts = youtube.server.calls("PUT", "/upload/youtube/v3/videos")
    assert [p.header("Content-Range") for p in puts] == ["", f"bytes */{len(VIDEO_BYTES)}", f"bytes 1500-3999/{len(VIDEO_BYTES)}"]
    assert puts[-1].body == VIDEO_BYTES[1500:]
    assert bytes(youtube.sessions["s1"].received) == VIDEO_BYTES
    assert len(youtube.videos) == 1


def test_a_lost_answer_after_a_complete_upload_is_recovered_without_a_second_video(
    youtube: YouTubeFake, video: MediaFile
) -> None:
    youtube.answer_late = True

    published = connector(youtube.url, timeout=0.3).publish(payload(video))

    assert published.external_id == "vid00000001"
    assert len(youtube.videos) == 1
    assert len(youtube.server.calls("POST", "/upload/youtube/v3/videos")) == 1


@pytest.mark.parametrize(
    "media",
    [
        (),
        (MediaFile("a.jpg", "image/jpeg", "https://x/a.jpg", "/tmp/a.jpg"),),
    ],
)
def test_a_post_without_exactly_one_video_is_refused_without_a_call(youtube: YouTubeFake, media: tuple[MediaFile, ...]) -> None:
    with pytest.raises(PermanentError):
        connector(youtube.url).publish(payload(*media))
    assert not youtube.server.requests


def test_two_videos_are_refused(youtube: YouTubeFake, video: MediaFile) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(youtube.url).publish(payload(video, video))
    assert "exactly one video" in raised.value.message


@pytest.mark.parametrize(
    ("reply", "expected", "retry_after"),
    [
        (Reply(429, {"error": {"code": 429, "message": "Too many requests"}}, headers={"Retry-After": "17"}), RateLimited, 17),
        (
            google_error(403, "rateLimitExceeded", "The request cannot be completed because you have exceeded your quota."),
            RateLimited,
            60,
        ),
        (google_error(403, "userRateLimitExceeded", "User rate limit exceeded."), RateLimited, 60),
        (
            google_error(400, "uploadLimitExceeded", "The user has exceeded the number of videos they may upload."),
            RateLimited,
            86400,
        ),
        (google_error(401, "authError", "Invalid Credentials"), AuthError, None),
        (google_error(403, "insufficientPermissions", "Request had insufficient authentication scopes."), AuthError, None),
        (
            google_error(400, "invalidCategoryId", "The snippet.categoryId property specifies an invalid category ID."),
            PermanentError,
            None,
        ),
        (google_error(500, "backendError", "Backend Error"), TransientError, None),
        (Reply(503, "Service Unavailable"), TransientError, None),
    ],
)
def test_error_classes(
    youtube: YouTubeFake, video: MediaFile, reply: Reply, expected: type[Exception], retry_after: float | None
) -> None:
    youtube.insert_reply = reply
    with pytest.raises(expected) as raised:
        connector(youtube.url).publish(payload(video))
    error = raised.value
    if retry_after is not None:
        assert isinstance(error, RateLimited) and error.retry_after == retry_after
    if expected is PermanentError:
        assert not isinstance(error, AuthError)
        assert str(error) == "YouTube refused the video: The snippet.categoryId property specifies an invalid category ID."


def test_a_used_up_daily_quota_waits_for_midnight_pacific(youtube: YouTubeFake, video: MediaFile) -> None:
    youtube.insert_reply = google_error(
        403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota."
    )
    with pytest.raises(RateLimited) as raised:
        connector(youtube.url).publish(payload(video))
    assert raised.value.retry_after is not None
    assert 0 < raised.value.retry_after <= 25 * 3600
    # 23:00 UTC on 1 July is 16:00 in Los Angeles (PDT): eight hours to midnight there.
    assert seconds_until_quota_reset(datetime(2030, 7, 1, 23, 0, tzinfo=UTC)) == 8 * 3600


def test_the_projects_videos_insert_bucket_is_refused_when_used_up(youtube: YouTubeFake, video: MediaFile) -> None:
    """determine_quota_cost: videos.insert has its own bucket (100 a day per project, every call counts);
    over it the API answers 403 quotaExceeded, and Alur waits for midnight Pacific Time instead of failing."""
    youtube.insert_quota = 2
    youtube_connector = connector(youtube.url)
    youtube_connector.publish(payload(video))
    youtube.insert_reply = google_error(400, "invalidCategoryId", "The snippet.categoryId property is invalid.")
    with pytest.raises(PermanentError):
        youtube_connector.publish(payload(video))  # refused, and charged all the same
    youtube.insert_reply = None
    with pytest.raises(RateLimited) as raised:
        youtube_connector.publish(payload(video))
    assert raised.value.status == 403
    assert "midnight Pacific Time" in raised.value.message and "project" in raised.value.message
    assert raised.value.retry_after is not None and 0 < raised.value.retry_after <= 25 * 3600
    assert len(youtube.videos) == 1 and youtube.insert_calls == 2


def test_an_expired_token_is_an_auth_error(youtube: YouTubeFake, video: MediaFile) -> None:
    with pytest.raises(AuthError) as raised:
        connector(youtube.url, token="ya29.expired").publish(payload(video))
    assert "Reconnect" in raised.value.message


def test_a_timeout_opening_the_session_is_an_unknown_outcome(video: MediaFile) -> None:
    server = FakeServer()
    server.route("POST", "/upload/youtube/v3/videos")(lambda request: Reply(200, b"", delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload(video))


def test_an_unreachable_api_is_transient(video: MediaFile) -> None:
    with pytest.raises(TransientError) as raised:
        connector("http://127.0.0.1:9").publish(payload(video))
    assert not isinstance(raised.value, OutcomeUnknown)


def test_delete_removes_the_video_and_tolerates_one_already_gone(youtube: YouTubeFake, video: MediaFile) -> None:
    youtube_connector = connector(youtube.url)
    published = youtube_connector.publish(payload(video))
    youtube_connector.delete(published.external_id)
    assert not youtube.videos
    (call,) = youtube.server.calls("DELETE", "/youtube/v3/videos")
    assert call.query == {"id": [published.external_id]}
    youtube_connector.delete(published.external_id)


def test_test_connection_names_the_channel(youtube: YouTubeFake) -> None:
    assert connector(youtube.url).test_connection() == "Kopi Nusantara"
    youtube.channels = []
    with pytest.raises(PermanentError):
        connector(youtube.url).test_connection()


def test_refresh_keeps_the_old_refresh_token(youtube: YouTubeFake) -> None:
    tokens = connector(youtube.url).refresh()
    assert tokens.access_token == "ya29.fresh"
    assert tokens.refresh_token == ""
    assert tokens.expires_at is not None
    form = youtube.server.calls("POST", "/token")[0].form()
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == [REFRESH_TOKEN]


def test_a_revoked_refresh_token_needs_reconnecting(youtube: YouTubeFake) -> None:
    account = AccountConfig(
        config={"token_url": f"{youtube.url}/token"},
        credentials={"refresh_token": "1//revoked", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    with pytest.raises(AuthError) as raised:
        YouTubeConnector(account).refresh()
    assert raised.value.revoked
    assert "Token has been expired or revoked" in raised.value.message


def test_capabilities_are_declared_truthfully() -> None:
    assert connector_class("youtube") is YouTubeConnector
    caps = YouTubeConnector.capabilities
    assert caps.media_types == {"video"}
    assert caps.max_media == 1
    assert caps.can_delete
    assert not caps.can_find
    assert not caps.idempotency_key
    assert caps.refreshes_tokens
    assert not caps.rate_limits  # the quota is the project's (shared_quota), not a per-account 6 a day
    assert "developers.google.com/youtube" in caps.docs
    with pytest.raises(PermanentError):
        connector("http://127.0.0.1:9").find(payload())
