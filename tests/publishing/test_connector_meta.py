"""The Facebook Page and Instagram connectors against a fake that speaks Meta's documented Graph API contract."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

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
from alur.publishing.connectors.meta import FacebookPageConnector, InstagramConnector, MetaGraphConnector
from tests.publishing.fakes.meta import (
    APP_ID,
    APP_SECRET,
    IG_USER_ID,
    LONG_LIVED_TOKEN,
    PAGE_ID,
    TOKEN,
    MetaFake,
    expired_token,
    graph_error,
)
from tests.publishing.fakes.server import FakeServer, Reply


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MetaGraphConnector, "POLL_INTERVAL", 0.0)


@pytest.fixture
def meta() -> Iterator[MetaFake]:
    with MetaFake() as fake:
        yield fake


def facebook(base_url: str, *, token: str = TOKEN, timeout: float = 5.0, **extra: str) -> FacebookPageConnector:
    credentials = {"access_token": token}
    if "app_secret" in extra:
        credentials["app_secret"] = extra.pop("app_secret")
    return FacebookPageConnector(
        AccountConfig(config={"base_url": base_url, "page_id": PAGE_ID, **extra}, credentials=credentials),
        client=httpx.Client(timeout=timeout),
    )


def instagram(base_url: str, *, token: str = TOKEN, timeout: float = 5.0, **extra: str) -> InstagramConnector:
    credentials = {"access_token": token}
    if "app_secret" in extra:
        credentials["app_secret"] = extra.pop("app_secret")
    return InstagramConnector(
        AccountConfig(config={"base_url": base_url, "ig_user_id": IG_USER_ID, **extra}, credentials=credentials),
        client=httpx.Client(timeout=timeout),
    )


def image(name: str) -> MediaFile:
    return MediaFile(name, "image/jpeg", f"https://cdn.kopi.id/{name}")


def video(name: str = "promo.mp4") -> MediaFile:
    return MediaFile(name, "video/mp4", f"https://cdn.kopi.id/{name}")


def payload(*media: MediaFile, text: str = "Kopi susu gula aren", link: str = "", key: str = "key-1") -> Payload:
    return Payload(idempotency_key=key, text=text, hashtags=("kopi",), link=link, media=media)


BODY = "Kopi susu gula aren\n\n#kopi"


# ------------------------------------------------------------------------------------- registry
def test_the_registry_points_at_both_classes() -> None:
    assert connector_class("facebook") is FacebookPageConnector
    assert connector_class("instagram") is InstagramConnector


def test_capabilities_are_declared_truthfully() -> None:
    fb, ig = FacebookPageConnector.capabilities, InstagramConnector.capabilities
    assert fb.can_delete and fb.can_find and not fb.idempotency_key
    assert fb.media_types == frozenset({"image", "video"})
    assert fb.docs.startswith("https://developers.facebook.com/docs/pages-api/posts")
    assert not ig.can_delete and ig.can_find and not ig.idempotency_key
    assert ig.max_media == 10 and ig.max_text == 2200
    (limit,) = ig.rate_limits
    assert (limit.count, limit.seconds) == (100, 86400)
    assert limit.source == "https://developers.facebook.com/docs/instagram-platform/content-publishing/"
    assert ("page_id", "Facebook Page ID", False, True) in FacebookPageConnector.fields
    assert ("access_token", "Page access token", True, True) in FacebookPageConnector.fields
    assert ("ig_user_id", "Instagram professional account ID", False, True) in InstagramConnector.fields


def test_the_default_base_url_and_version_are_the_real_graph_api() -> None:
    connector = FacebookPageConnector(AccountConfig(config={"page_id": PAGE_ID}, credentials={"access_token": TOKEN}))
    assert connector._url(f"{PAGE_ID}/feed") == f"https://graph.facebook.com/v23.0/{PAGE_ID}/feed"


# ------------------------------------------------------------------------------------- Facebook
def test_facebook_text_and_link_go_to_the_feed(meta: MetaFake) -> None:
    published = facebook(meta.url).publish(payload(link="https://kopi.id/?utm_source=facebook"))
    assert published.external_id.startswith(f"{PAGE_ID}_")
    assert published.url == f"https://www.facebook.com/{published.external_id}"
    (request,) = meta.server.calls("POST", f"/v23.0/{PAGE_ID}/feed")
    assert request.header("Authorization") == f"Bearer {TOKEN}"
    assert "access_token" not in request.query  # the token stays out of the URL
    assert request.form() == {"message": [BODY], "link": ["https://kopi.id/?utm_source=facebook"]}


def test_facebook_one_photo_goes_to_photos_with_the_caption(meta: MetaFake) -> None:
    published = facebook(meta.url).publish(payload(image("a.jpg"), link="https://kopi.id/"))
    (request,) = meta.server.calls("POST", f"/v23.0/{PAGE_ID}/photos")
    assert request.form() == {"url": ["https://cdn.kopi.id/a.jpg"], "caption": [f"{BODY}\n\nhttps://kopi.id/"]}
    assert published.external_id in meta.posts  # the page post id, not the photo id
    assert published.url == f"https://www.facebook.com/{published.external_id}"


def test_facebook_several_photos_are_uploaded_unpublished_then_attached(meta: MetaFake) -> None:
    published = facebook(meta.url).publish(payload(image("a.jpg"), image("b.jpg"), image("c.jpg")))
    uploads = meta.server.calls("POST", f"/v23.0/{PAGE_ID}/photos")
    assert [r.form()["published"] for r in uploads] == [["false"]] * 3
    assert [r.form()["url"][0] for r in uploads] == [f"https://cdn.kopi.id/{n}" for n in ("a.jpg", "b.jpg", "c.jpg")]
    (feed,) = meta.server.calls("POST", f"/v23.0/{PAGE_ID}/feed")
    form = feed.form()
    assert form["message"] == [BODY]
    fbids = [json.loads(form[f"attached_media[{i}]"][0])["media_fbid"] for i in range(3)]
    assert fbids == list(meta.photos)
    assert meta.posts[published.external_id]["photos"] == fbids


def test_facebook_video_goes_to_videos_with_file_url(meta: MetaFake) -> None:
    published = facebook(meta.url).publish(payload(video()))
    (request,) = meta.server.calls("POST", f"/v23.0/{PAGE_ID}/videos")
    assert request.form() == {"file_url": ["https://cdn.kopi.id/promo.mp4"], "description": [BODY]}
    assert published.external_id in meta.videos
    assert published.url == f"https://www.facebook.com/{published.external_id}"


@pytest.mark.parametrize(
    ("media", "message"),
    [
        ((video("a.mp4"), image("b.jpg")), "cannot mix"),
        ((video("a.mp4"), video("b.mp4")), "one video"),
        ((MediaFile("local.jpg", "image/jpeg", ""),), "public address"),
    ],
)
def test_facebook_refuses_what_it_cannot_post_before_calling(meta: MetaFake, media: tuple[MediaFile, ...], message: str) -> None:
    with pytest.raises(PermanentError, match=message):
        facebook(meta.url).publish(payload(*media))
    assert meta.server.requests == []


def test_facebook_find_matches_the_message_among_recent_posts(meta: MetaFake) -> None:
    fb = facebook(meta.url)
    assert fb.can_find()
    assert fb.find(payload()) is None
    published = fb.publish(payload(image("a.jpg")))
    fb.publish(payload(text="Another post"))
    found = fb.find(payload(image("a.jpg")))
    assert found is not None and found.external_id == published.external_id
    assert found.url == published.url
    (read, *_) = meta.server.calls("GET", f"/v23.0/{PAGE_ID}/feed")
    assert read.query == {"fields": ["id,message,created_time"], "limit": ["25"]}


def test_facebook_find_ignores_an_identical_older_post(meta: MetaFake) -> None:
    fb = facebook(meta.url)
    fb.publish(payload())
    later = Payload(
        idempotency_key="k2", text="Kopi susu gula aren", hashtags=("kopi",), publish_at=datetime.now(UTC) + timedelta(hours=2)
    )
    assert fb.find(later) is None


def test_facebook_find_without_text_asks_a_person(meta: MetaFake) -> None:
    with pytest.raises(PermanentError, match="without text"):
        facebook(meta.url).find(Payload(idempotency_key="k", text="", media=(image("a.jpg"),)))


def test_facebook_delete_and_test_connection(meta: MetaFake) -> None:
    fb = facebook(meta.url)
    published = fb.publish(payload())
    fb.delete(published.external_id)
    assert published.external_id not in meta.posts
    (request,) = meta.server.calls("DELETE", f"/v23.0/{published.external_id}")
    assert request.header("Authorization") == f"Bearer {TOKEN}"
    with pytest.raises(PermanentError, match="does not exist"):
        fb.delete(published.external_id)
    assert fb.test_connection() == "Kopi Nusantara"
    (ping,) = meta.server.calls("GET", f"/v23.0/{PAGE_ID}")
    assert ping.query["fields"] == ["name"]


def test_appsecret_proof_is_sent_when_the_account_has_the_app_secret(meta: MetaFake) -> None:
    facebook(meta.url, app_secret=APP_SECRET).test_connection()
    (request,) = meta.server.calls("GET", f"/v23.0/{PAGE_ID}")
    assert request.query["appsecret_proof"] == [hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()]


# ------------------------------------------------------------------------------------ Instagram
def test_instagram_single_image_container_then_publish_then_permalink(meta: MetaFake) -> None:
    published = instagram(meta.url).publish(payload(image("a.jpg")))
    (limit,) = meta.server.calls("GET", f"/v23.0/{IG_USER_ID}/content_publishing_limit")
    assert limit.header("Authorization") == f"Bearer {TOKEN}"
    (create,) = meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media")
    assert create.form() == {"image_url": ["https://cdn.kopi.id/a.jpg"], "caption": [BODY]}
    (publish,) = meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media_publish")
    (container_id,) = meta.containers
    assert publish.form() == {"creation_id": [container_id]}
    assert published.external_id in meta.media
    assert published.url == meta.media[published.external_id]["permalink"]
    (permalink,) = meta.server.calls("GET", f"/v23.0/{published.external_id}")
    assert permalink.query["fields"] == ["permalink"]


def test_instagram_video_is_a_reel_polled_until_finished(meta: MetaFake) -> None:
    meta.video_statuses = ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"]
    published = instagram(meta.url).publish(payload(video()))
    (create,) = meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media")
    assert create.form() == {"media_type": ["REELS"], "video_url": ["https://cdn.kopi.id/promo.mp4"], "caption": [BODY]}
    (container_id,) = meta.containers
    polls = meta.server.calls("GET", f"/v23.0/{container_id}")
    assert len(polls) == 3
    assert "status_code" in polls[0].query["fields"][0]
    assert published.external_id in meta.media


def test_instagram_carousel_children_then_carousel_container(meta: MetaFake) -> None:
    published = instagram(meta.url).publish(payload(image("a.jpg"), video("b.mp4"), image("c.jpg")))
    creates = [r.form() for r in meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media")]
    assert creates[0] == {"image_url": ["https://cdn.kopi.id/a.jpg"], "is_carousel_item": ["true"]}
    assert creates[1] == {"media_type": ["VIDEO"], "video_url": ["https://cdn.kopi.id/b.mp4"], "is_carousel_item": ["true"]}
    assert creates[2] == {"image_url": ["https://cdn.kopi.id/c.jpg"], "is_carousel_item": ["true"]}
    children = list(meta.containers)[:3]
    assert creates[3] == {"media_type": ["CAROUSEL"], "children": [",".join(children)], "caption": [BODY]}
    carousel_id = list(meta.containers)[3]
    (publish,) = meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media_publish")
    assert publish.form() == {"creation_id": [carousel_id]}
    assert meta.media[published.external_id]["caption"] == BODY


def test_instagram_needs_media(meta: MetaFake) -> None:
    with pytest.raises(PermanentError, match="need a photo or a video"):
        instagram(meta.url).publish(payload())
    assert meta.server.requests == []


@pytest.mark.parametrize("status", ["ERROR", "EXPIRED"])
def test_instagram_container_error_or_expiry_is_permanent(meta: MetaFake, status: str) -> None:
    meta.video_statuses = ["IN_PROGRESS", status]
    with pytest.raises(PermanentError, match="Instagram refused the post") as raised:
        instagram(meta.url).publish(payload(video()))
    assert not isinstance(raised.value, TransientError)
    assert meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media_publish") == []


def test_instagram_processing_wait_is_bounded_and_transient(meta: MetaFake) -> None:
    meta.video_statuses = ["IN_PROGRESS"]
    with pytest.raises(TransientError, match="still processing") as raised:
        instagram(meta.url, status_timeout="0").publish(payload(video()))
    assert not isinstance(raised.value, OutcomeUnknown)  # nothing was published yet
    assert meta.media == {}


def test_instagram_used_up_quota_waits_before_making_containers(meta: MetaFake) -> None:
    meta.quota_usage = 100
    with pytest.raises(RateLimited) as raised:
        instagram(meta.url).publish(payload(image("a.jpg")))
    assert raised.value.retry_after == 3600
    assert meta.containers == {}


def test_instagram_publish_limit_error_is_rate_limited(meta: MetaFake) -> None:
    meta.errors["media_publish"] = graph_error(
        400, 9, "Application request limit reached", subcode=2207042, user_msg="Maximum posts in 24 hours reached."
    )
    with pytest.raises(RateLimited) as raised:
        instagram(meta.url).publish(payload(image("a.jpg")))
    assert raised.value.retry_after == 3600


def test_instagram_media_download_failure_is_permanent_with_metas_message(meta: MetaFake) -> None:
    with pytest.raises(PermanentError) as raised:
        instagram(meta.url).publish(payload(MediaFile("x.jpg", "image/jpeg", "https://cdn.kopi.id/broken.jpg")))
    assert str(raised.value).startswith("Instagram refused the post: The media could not be fetched")
    assert "9004" in raised.value.detail


def test_a_failed_permalink_read_does_not_fail_a_published_post(meta: MetaFake) -> None:
    meta.errors["permalink"] = graph_error(500, 2, "Service temporarily unavailable", is_transient=True)
    published = instagram(meta.url).publish(payload(image("a.jpg")))
    assert published.external_id in meta.media
    assert published.url == ""


def test_instagram_find_matches_the_caption(meta: MetaFake) -> None:
    ig = instagram(meta.url)
    assert ig.can_find()
    assert ig.find(payload(image("a.jpg"))) is None
    published = ig.publish(payload(image("a.jpg")))
    found = ig.find(payload(image("a.jpg")))
    assert found is not None and found.external_id == published.external_id
    assert found.url == published.url
    (read, *_) = meta.server.calls("GET", f"/v23.0/{IG_USER_ID}/media")
    assert read.query == {"fields": ["id,caption,timestamp,permalink"], "limit": ["25"]}
    assert ig.find(payload(image("a.jpg"), text="Something else")) is None


def test_instagram_cannot_delete(meta: MetaFake) -> None:
    with pytest.raises(PermanentError, match="does not allow removing"):
        instagram(meta.url).delete("1800")
    assert meta.server.requests == []


def test_instagram_test_connection(meta: MetaFake) -> None:
    assert instagram(meta.url).test_connection() == "@kopi.nusantara"


# ---------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("subcode", "revoked"),
    [(463, False), (460, True), (458, True), (None, False)],
)
def test_code_190_is_an_auth_error_and_revoked_for_458_and_460(meta: MetaFake, subcode: int | None, revoked: bool) -> None:
    meta.token_reply = graph_error(400, 190, "Error validating access token", subcode=subcode)
    with pytest.raises(AuthError) as raised:
        facebook(meta.url).publish(payload())
    assert raised.value.revoked is revoked
    assert "Reconnect the account" in str(raised.value)


def test_an_expired_token_is_an_auth_error_on_instagram(meta: MetaFake) -> None:
    meta.token_reply = expired_token()
    with pytest.raises(AuthError, match="Session has expired"):
        instagram(meta.url).publish(payload(image("a.jpg")))


def test_a_wrong_token_is_an_auth_error(meta: MetaFake) -> None:
    with pytest.raises(AuthError):
        facebook(meta.url, token="wrong").test_connection()


def test_a_missing_token_is_an_auth_error_without_a_call(meta: MetaFake) -> None:
    with pytest.raises(AuthError):
        facebook(meta.url, token="").publish(payload())
    assert meta.server.requests == []


@pytest.mark.parametrize(
    ("reply", "error", "retry_after"),
    [
        (Reply(429, {"message": "slow down"}, headers={"Retry-After": "17"}), RateLimited, 17),
        (graph_error(400, 4, "(#4) Application request limit reached"), RateLimited, 60),
        (graph_error(400, 17, "(#17) User request limit reached", headers={"Retry-After": "30"}), RateLimited, 30),
        (
            graph_error(
                400,
                32,
                "(#32) Page request limit reached",
                headers={
                    "X-Business-Use-Case-Usage": json.dumps({PAGE_ID: [{"type": "pages", "estimated_time_to_regain_access": 7}]})
                },
            ),
            RateLimited,
            420,
        ),
        (graph_error(400, 613, "Calls to this api have exceeded the rate limit."), RateLimited, 60),
        (graph_error(400, 80001, "There have been too many calls to this Page account."), RateLimited, 60),
        (graph_error(500, 1, "An unknown error occurred", is_transient=True), TransientError, None),
        (graph_error(503, 2, "Service temporarily unavailable"), TransientError, None),
        (Reply(502, "Bad Gateway"), TransientError, None),
        (graph_error(400, 100, "(#100) Invalid parameter"), PermanentError, None),
        (graph_error(400, 36003, "Invalid video file"), PermanentError, None),
        (graph_error(400, 200, "(#200) The user hasn't authorized the application to perform this action"), AuthError, None),
    ],
)
def test_graph_error_codes_are_classified(
    meta: MetaFake, reply: Reply, error: type[Exception], retry_after: float | None
) -> None:
    meta.errors["feed"] = reply
    with pytest.raises(error) as raised:
        facebook(meta.url).publish(payload())
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == retry_after
    if error is TransientError:
        assert not isinstance(raised.value, (OutcomeUnknown, RateLimited))
    if error is PermanentError:
        assert not isinstance(raised.value, AuthError)
        assert str(raised.value).startswith("Facebook refused the post: ")


def test_a_validation_error_carries_metas_message(meta: MetaFake) -> None:
    meta.errors["feed"] = graph_error(400, 100, "(#100) The post is empty. Please enter a message to share.")
    with pytest.raises(PermanentError) as raised:
        facebook(meta.url).publish(payload())
    assert str(raised.value) == "Facebook refused the post: (#100) The post is empty. Please enter a message to share."
    assert "AbCdEfGhIjK" in raised.value.detail  # fbtrace_id kept for support


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", rf"/v23.0/{IG_USER_ID}/media_publish")(lambda request: Reply(200, {"id": "1"}, delay=1.0))
    server.route("GET", rf"/v23.0/{IG_USER_ID}/content_publishing_limit")(lambda request: Reply(200, {"data": []}))
    server.route("POST", rf"/v23.0/{IG_USER_ID}/media")(lambda request: Reply(200, {"id": "c1"}))
    server.route("GET", r"/v23.0/c1")(lambda request: Reply(200, {"id": "c1", "status_code": "FINISHED"}))
    with server, pytest.raises(OutcomeUnknown):
        instagram(server.url, timeout=0.2).publish(payload(image("a.jpg")))


def test_a_gateway_timeout_is_an_unknown_outcome(meta: MetaFake) -> None:
    meta.errors["feed"] = Reply(504, "Gateway Timeout")
    with pytest.raises(OutcomeUnknown):
        facebook(meta.url).publish(payload())


def test_an_unreachable_api_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        facebook("http://127.0.0.1:9").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


# ---------------------------------------------------------------------------------------- tokens
def test_refresh_without_app_credentials_returns_none(meta: MetaFake) -> None:
    assert facebook(meta.url).refresh() is None
    assert meta.server.requests == []


def test_refresh_exchanges_the_token_with_app_credentials(meta: MetaFake) -> None:
    tokens = instagram(meta.url, app_id=APP_ID, app_secret=APP_SECRET).refresh()
    assert tokens is not None
    assert tokens.access_token == LONG_LIVED_TOKEN
    assert tokens.refresh_token == ""
    assert tokens.expires_at is not None
    assert timedelta(days=59) < tokens.expires_at - datetime.now(UTC) < timedelta(days=61)
    (request,) = meta.server.calls("GET", "/v23.0/oauth/access_token")
    assert request.query == {
        "grant_type": ["fb_exchange_token"],
        "client_id": [APP_ID],
        "client_secret": [APP_SECRET],
        "fb_exchange_token": [TOKEN],
    }


def test_refresh_of_an_invalidated_token_is_a_revoked_auth_error(meta: MetaFake) -> None:
    with pytest.raises(AuthError) as raised:
        facebook(meta.url, token="stale", app_id=APP_ID, app_secret=APP_SECRET).refresh()
    assert raised.value.revoked


def test_instagram_image_containers_are_polled_until_finished_before_publishing(meta: MetaFake) -> None:
    """IG container reference: publish a container only once its status_code is FINISHED (images too)."""
    meta.image_statuses = ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"]
    published = instagram(meta.url).publish(payload(image("a.jpg")))
    assert published.external_id in meta.media
    container = published.raw["container_id"]
    assert len(meta.server.calls("GET", f"/v23.0/{container}")) == 3


def test_instagram_carousel_children_and_carousel_are_polled(meta: MetaFake) -> None:
    meta.image_statuses = ["IN_PROGRESS", "FINISHED"]
    published = instagram(meta.url).publish(payload(image("a.jpg"), image("b.jpg")))
    assert published.external_id in meta.media


def test_the_poll_interval_is_injectable_and_the_wait_bounded(meta: MetaFake) -> None:
    meta.image_statuses = ["IN_PROGRESS"]
    waits: list[float] = []
    connector = instagram(meta.url, poll_interval="2.5", status_polls="4")
    connector.sleep = waits.append
    with pytest.raises(TransientError, match="still processing"):
        connector.publish(payload(image("a.jpg")))
    assert waits == [2.5, 2.5, 2.5]
    assert meta.media == {}


def test_media_not_ready_is_transient_not_permanent(meta: MetaFake) -> None:
    meta.errors["media_publish"] = graph_error(
        400, 9007, "Media ID is not available", subcode=2207027, user_msg="The media is not ready for publishing"
    )
    with pytest.raises(TransientError):
        instagram(meta.url).publish(payload(image("a.jpg")))


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (graph_error(400, -1, "Instagram server error. Try again.", subcode=2207001), TransientError),
        (graph_error(400, -2, "It takes too long to download the media.", subcode=2207003), TransientError),
        (graph_error(400, -1, "Create media fail, please try to re-create media", subcode=2207032), TransientError),
        (graph_error(400, 1, "Thumbnail offset must be greater than or equal to 0", subcode=2207057), PermanentError),
    ],
)
def test_instagram_error_codes_follow_its_error_table(meta: MetaFake, reply: Reply, error: type[Exception]) -> None:
    """https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes"""
    meta.errors["media"] = reply
    with pytest.raises(error) as raised:
        instagram(meta.url).publish(payload(image("a.jpg")))
    if error is PermanentError:
        assert not isinstance(raised.value, TransientError)


def test_instagram_refuses_a_png_before_any_call_and_the_fake_refuses_it_too(meta: MetaFake) -> None:
    png = MediaFile("a.png", "image/png", "https://cdn.kopi.id/a.png")
    with pytest.raises(PermanentError, match="JPEG"):
        instagram(meta.url).publish(payload(png))
    assert meta.server.calls("POST", f"/v23.0/{IG_USER_ID}/media") == []
    token = {"Authorization": f"Bearer {TOKEN}"}
    refused = httpx.post(f"{meta.url}/v23.0/{IG_USER_ID}/media", data={"image_url": png.url}, headers=token)
    assert refused.status_code == 400 and "JPEG" in refused.text


def test_the_fake_refuses_a_carousel_of_more_than_ten(meta: MetaFake) -> None:
    with pytest.raises(PermanentError, match="at most 10"):
        instagram(meta.url).publish(payload(*(image(f"{n}.jpg") for n in range(11))))


def test_the_instagram_token_is_labelled_a_facebook_user_token() -> None:
    labels = {name: label for name, label, _secret, _required in InstagramConnector.fields}
    assert "Facebook" in labels["access_token"] and "Instagram user token" not in labels["access_token"]
