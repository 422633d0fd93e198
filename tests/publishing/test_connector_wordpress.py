"""The WordPress connector against a fake site that speaks the documented REST contract."""

from __future__ import annotations

import base64
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
from alur.publishing.connectors.wordpress import WordPressConnector, plain, post_slug, slugify
from tests.publishing.fakes import wordpress as fake
from tests.publishing.fakes.server import FakeServer, Reply

KEY = "5f0c9d7e8b6a4f3e9d2c1b0a99887766"


@pytest.fixture
def site() -> Iterator[fake.FakeWordPress]:
    with fake.FakeWordPress() as server:
        yield server


def connector(
    url: str,
    *,
    username: str = fake.USERNAME,
    password: str = fake.APP_PASSWORD,
    timeout: float = 5.0,
    **config: object,
) -> WordPressConnector:
    return WordPressConnector(
        AccountConfig(config={"base_url": url, "username": username, **config}, credentials={"application_password": password}),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = KEY, **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "title": "Promo Kopi Susu — Lebaran!",
        "text": "Kopi susu gula aren & roti bakar <3\nHari ini saja!\n\nMenu: https://kopi.id/menu",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/promo?utm_source=wordpress&utm_medium=blog",
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


def media(tmp_path: Path, name: str, mime_type: str, content: bytes = b"\x89PNG fake image") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(content)
    return MediaFile(name=name, mime_type=mime_type, url=f"https://cdn.kopi.id/{name}", path=str(path), size=len(content))


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# ------------------------------------------------------------------------------------- publishing
def test_a_text_post_sends_title_html_content_status_and_a_key_slug(site: fake.FakeWordPress) -> None:
    published = connector(site.url).publish(payload())

    (request,) = site.server.calls("POST", "/wp-json/wp/v2/posts")
    assert request.header("Authorization") == basic(fake.USERNAME, "abcdEFGH1234ijklMNOP6789")
    assert request.header("Content-Type") == "application/json"
    body = request.json()
    slug = post_slug(payload(), "Promo Kopi Susu — Lebaran!")
    assert body == {
        "title": "Promo Kopi Susu — Lebaran!",
        "content": (
            "<p>Kopi susu gula aren &amp; roti bakar &lt;3<br />Hari ini saja!</p>\n\n"
            '<p>Menu: <a href="https://kopi.id/menu">https://kopi.id/menu</a></p>\n\n'
            "<p>#kopi</p>\n\n"
            '<p><a href="https://kopi.id/promo?utm_source=wordpress&amp;utm_medium=blog">'
            "https://kopi.id/promo?utm_source=wordpress&amp;utm_medium=blog</a></p>"
        ),
        "status": "publish",
        "slug": slug,
    }
    assert slug.startswith("promo-kopi-susu-lebaran-") and len(slug.rsplit("-", 1)[1]) == 10
    assert published.external_id == "101"
    assert published.url == f"{site.url}/{slug}/"
    assert site.posts[101]["status"] == "publish"


def test_draft_status_and_categories(site: fake.FakeWordPress) -> None:
    published = connector(site.url, status="draft", categories="7, 12").publish(payload())
    body = site.server.calls("POST", "/wp-json/wp/v2/posts")[0].json()
    assert body["status"] == "draft"
    assert body["categories"] == [7, 12]
    assert published.url == f"{site.url}/?p=101"


def test_the_title_falls_back_to_the_first_line(site: fake.FakeWordPress) -> None:
    connector(site.url).publish(payload(title="", text="\n  Diskon 50%  hari ini\nsampai Jumat"))
    body = site.server.calls("POST", "/wp-json/wp/v2/posts")[0].json()
    assert body["title"] == "Diskon 50% hari ini"
    assert body["slug"].startswith("diskon-50-hari-ini-")


def test_media_are_uploaded_first_and_the_first_image_is_featured(site: fake.FakeWordPress, tmp_path: Path) -> None:
    files = (
        media(tmp_path, "Kopi Susu.png", "image/png"),
        media(tmp_path, "roti.jpg", "image/jpeg", b"\xff\xd8 jpeg"),
        media(tmp_path, "seduh.mp4", "video/mp4", b"VIDEO"),
    )
    connector(site.url).publish(payload(media=files))

    uploads = site.server.calls("POST", "/wp-json/wp/v2/media")
    assert [u.header("Content-Disposition") for u in uploads] == [
        'attachment; filename="Kopi-Susu.png"',
        'attachment; filename="roti.jpg"',
        'attachment; filename="seduh.mp4"',
    ]
    assert [u.header("Content-Type") for u in uploads] == ["image/png", "image/jpeg", "video/mp4"]
    assert uploads[0].body == b"\x89PNG fake image"
    assert all(u.header("Authorization").startswith("Basic ") for u in uploads)

    body = site.server.calls("POST", "/wp-json/wp/v2/posts")[0].json()
    assert body["featured_media"] == 101
    assert "Kopi-Susu.png" not in body["content"]  # the featured image is not repeated
    assert f'<img src="{site.url}/wp-content/uploads/2026/05/roti.jpg" alt="roti.jpg" class="wp-image-102" />' in body["content"]
    assert f'<video controls src="{site.url}/wp-content/uploads/2026/05/seduh.mp4"></video>' in body["content"]
    assert site.posts[104]["featured_media"] == 101


def test_a_video_alone_is_not_featured(site: fake.FakeWordPress, tmp_path: Path) -> None:
    connector(site.url).publish(payload(media=(media(tmp_path, "seduh.mp4", "video/mp4", b"VIDEO"),)))
    body = site.server.calls("POST", "/wp-json/wp/v2/posts")[0].json()
    assert "featured_media" not in body
    assert "wp-block-video" in body["content"]


def test_a_file_type_wordpress_refuses_is_permanent(site: fake.FakeWordPress, tmp_path: Path) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(site.url).publish(payload(media=(media(tmp_path, "promo.svg", "image/svg+xml"),)))
    assert not isinstance(raised.value, TransientError)
    assert "WordPress refused the file: Sorry, you are not allowed to upload this file type." in raised.value.message
    assert site.server.calls("POST", "/wp-json/wp/v2/posts") == []


def test_a_name_without_extension_gets_one_from_the_mime_type(site: fake.FakeWordPress, tmp_path: Path) -> None:
    connector(site.url).publish(payload(media=(media(tmp_path, "foto", "image/png"),)))
    (upload,) = site.server.calls("POST", "/wp-json/wp/v2/media")
    assert upload.header("Content-Disposition") == 'attachment; filename="foto.png"'


# ------------------------------------------------------------------------------------- errors
def test_a_wrong_application_password_is_an_auth_error(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError) as raised:
        connector(site.url, password="nope nope nope").publish(payload())
    assert raised.value.status == 401
    assert "invalid application password" in raised.value.message


def test_an_unknown_user_is_an_auth_error_without_html(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError) as raised:
        connector(site.url, username="siapa").publish(payload())
    assert "The username siapa is not registered on this site." in raised.value.message
    assert "<strong>" not in raised.value.message


def test_a_user_who_may_not_publish_is_an_auth_error(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError) as raised:
        connector(site.url, username=fake.CONTRIBUTOR, password=fake.CONTRIBUTOR_PASSWORD).publish(payload())
    assert raised.value.status == 403
    assert "not allowed to publish posts" in raised.value.message
    assert "Author role" in raised.value.message


def test_a_user_who_may_not_upload_is_an_auth_error(site: fake.FakeWordPress, tmp_path: Path) -> None:
    conn = connector(site.url, username=fake.CONTRIBUTOR, password=fake.CONTRIBUTOR_PASSWORD, status="draft")
    with pytest.raises(AuthError, match="not allowed to upload media"):
        conn.publish(payload(media=(media(tmp_path, "a.png", "image/png"),)))


def test_missing_credentials_are_an_auth_error_before_any_request(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError):
        connector(site.url, password="").publish(payload())
    assert site.server.requests == []


def test_rest_invalid_param_is_permanent_with_wordpress_message() -> None:
    server = FakeServer()
    server.route("POST", "/wp-json/wp/v2/posts")(
        lambda request: fake.wp_error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): status",
            params={"status": "status is not one of publish, future, draft, pending, private."},
        )
    )
    with server, pytest.raises(PermanentError) as raised:
        connector(server.url).publish(payload())
    assert not isinstance(raised.value, AuthError | TransientError)
    assert raised.value.status == 400
    assert raised.value.message == (
        "WordPress refused the post: Invalid parameter(s): status "
        "(status is not one of publish, future, draft, pending, private.)"
    )


def test_an_unknown_category_is_refused(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError, match="not allowed to assign the provided terms"):
        connector(site.url, categories="99").publish(payload())


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"status": "scheduled"}, "status"),
        ({"categories": "berita"}, "category"),
        ({"base_url": ""}, "site URL"),
    ],
)
def test_bad_settings_are_permanent_errors(site: fake.FakeWordPress, config: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {"base_url": site.url, **config}
    url = str(settings.pop("base_url"))
    with pytest.raises(PermanentError, match=message):
        connector(url, **settings).publish(payload())
    assert site.server.requests == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(429, {"code": "too_many_requests", "message": "Slow down"}, headers={"Retry-After": "30"}), RateLimited),
        (
            Reply(500, {"code": "internal_server_error", "message": "There has been a critical error on this website."}),
            TransientError,
        ),
        (Reply(503, "<html>Briefly unavailable for scheduled maintenance.</html>"), TransientError),
        (Reply(504, "gateway timeout"), OutcomeUnknown),
        (
            Reply(
                401,
                {
                    "code": "rest_cannot_create",
                    "message": "Sorry, you are not allowed to create posts as this user.",
                    "data": {"status": 401},
                },
            ),
            AuthError,
        ),
        (
            Reply(
                404,
                {
                    "code": "rest_no_route",
                    "message": "No route was found matching the URL and request method.",
                    "data": {"status": 404},
                },
            ),
            PermanentError,
        ),
        (Reply(301, "", headers={"Location": "https://www.kopi.id/wp-json/wp/v2/posts"}), PermanentError),
    ],
)
def test_error_classes(reply: Reply, error: type[Exception]) -> None:
    server = FakeServer()
    server.route("POST", "/wp-json/wp/v2/posts")(lambda request: reply)
    with server, pytest.raises(error) as raised:
        connector(server.url).publish(payload())
    value = raised.value
    assert type(value) is error
    if isinstance(value, RateLimited):
        assert value.retry_after == 30
    if reply.status == 404:
        assert "REST API was not found" in str(value)
    if reply.status == 301:
        assert "https://www.kopi.id" in str(value)
    if reply.status == 500:
        assert "critical error" in str(value)


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/wp-json/wp/v2/posts")(lambda request: Reply(201, {"id": 1}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload())


def test_an_unreachable_site_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        connector("http://127.0.0.1:9").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_success_without_an_id_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", "/wp-json/wp/v2/posts")(lambda request: Reply(200, "<html>cached page</html>"))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url).publish(payload())


# ------------------------------------------------------------------------------------- find / delete
def test_find_reconciles_by_the_key_slug(site: fake.FakeWordPress) -> None:
    wp = connector(site.url, status="draft")
    assert wp.can_find()
    assert wp.find(payload()) is None
    published = wp.publish(payload())
    found = wp.find(payload())
    assert found is not None
    assert found.external_id == published.external_id
    assert wp.find(payload("another-key")) is None

    request = site.server.calls("GET", "/wp-json/wp/v2/posts")[-1]
    assert request.query["slug"] == [post_slug(payload("another-key"), "Promo Kopi Susu — Lebaran!")]
    assert request.query["status"] == ["any"]
    assert request.header("Authorization").startswith("Basic ")


def test_a_retry_after_an_unknown_outcome_finds_the_first_post(site: fake.FakeWordPress) -> None:
    """The scheduler's path: publish reached WordPress but the answer was lost; find() sees the post."""
    connector(site.url).publish(payload())
    found = connector(site.url).find(payload())
    assert found is not None and found.external_id == "101"


def test_delete_moves_the_post_to_the_trash_and_is_idempotent(site: fake.FakeWordPress) -> None:
    wp = connector(site.url)
    published = wp.publish(payload())
    wp.delete(published.external_id)
    assert site.posts[101]["status"] == "trash"
    (request,) = site.server.calls("DELETE", r"/wp-json/wp/v2/posts/101")
    assert request.header("Authorization").startswith("Basic ")
    wp.delete(published.external_id)  # 410 rest_already_trashed: fine
    wp.delete("999")  # 404 rest_post_invalid_id: fine
    assert wp.find(payload()) is None


def test_delete_without_permission_is_an_auth_error(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError):
        connector(site.url, password="wrong").delete("101")


# ------------------------------------------------------------------------------------- account
def test_test_connection_names_the_user_and_site(site: fake.FakeWordPress) -> None:
    assert connector(site.url).test_connection() == "Kopi Kita Editor on 127.0.0.1"
    (request,) = site.server.calls("GET", "/wp-json/wp/v2/users/me")
    assert request.query["context"] == ["edit"]


def test_test_connection_checks_the_user_may_publish(site: fake.FakeWordPress) -> None:
    contributor = {"username": fake.CONTRIBUTOR, "password": fake.CONTRIBUTOR_PASSWORD}
    with pytest.raises(AuthError, match="may not publish"):
        connector(site.url, **contributor).test_connection()  # type: ignore[arg-type]
    assert connector(site.url, status="draft", **contributor).test_connection() == "Kontributor on 127.0.0.1"  # type: ignore[arg-type]


def test_test_connection_with_a_wrong_password(site: fake.FakeWordPress) -> None:
    with pytest.raises(AuthError):
        connector(site.url, password="wrong").test_connection()


def test_refresh_is_not_needed(site: fake.FakeWordPress) -> None:
    assert connector(site.url).refresh() is None


# ------------------------------------------------------------------------------------- helpers
def test_slugs() -> None:
    assert slugify("Promo Kopi Susu — Lebaran!") == "promo-kopi-susu-lebaran"
    assert slugify("Café crème brûlée") == "cafe-creme-brulee"
    assert slugify("☕☕") == ""
    assert post_slug(payload(), "☕").startswith("post-")
    assert post_slug(payload("a"), "x") != post_slug(payload("b"), "x")
    assert post_slug(payload("a"), "x") == post_slug(payload("a"), "x")
    assert len(slugify("kopi " * 100)) <= 60


def test_plain_removes_html() -> None:
    assert plain("<strong>Error:</strong> The password &amp; user") == "Error: The password & user"


def test_base_url_may_be_given_with_wp_json_or_without_scheme() -> None:
    def api(url: str) -> str:
        return WordPressConnector(AccountConfig(config={"base_url": url}, credentials={})).api

    assert api("https://blog.kopi.id/wp-json/") == "https://blog.kopi.id/wp-json/wp/v2"
    assert api("blog.kopi.id") == "https://blog.kopi.id/wp-json/wp/v2"


def test_capabilities_and_registry() -> None:
    assert connector_class("wordpress") is WordPressConnector
    capabilities = WordPressConnector.capabilities
    assert capabilities.can_find is True
    assert capabilities.can_delete is True
    assert capabilities.idempotency_key is False
    assert capabilities.refreshes_tokens is False
    assert capabilities.media_types == frozenset({"image", "video"})
    assert capabilities.docs == "https://developer.wordpress.org/rest-api/reference/posts/"
    names = {name: (secret, required) for name, _label, secret, required in WordPressConnector.fields}
    assert names["application_password"] == (True, True)
    assert names["base_url"] == (False, True)
    assert names["username"] == (False, True)
    assert names["status"] == (False, False)
    assert names["categories"] == (False, False)


def test_delete_at_a_wrong_site_url_is_not_taken_for_success() -> None:
    server = FakeServer()
    server.route("DELETE", r"/wp-json/wp/v2/posts/\d+")(
        lambda request: fake.wp_error(404, "rest_no_route", "No route was found matching the URL and request method.")
    )
    with server, pytest.raises(PermanentError, match="REST API was not found"):
        connector(server.url).delete("101")
