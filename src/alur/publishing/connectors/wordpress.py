"""WordPress: publishes a post (or a draft) on a self-hosted WordPress site through its REST API.

Documentation followed:

* Posts — https://developer.wordpress.org/rest-api/reference/posts/ (``POST /wp/v2/posts`` with ``title``,
  ``content``, ``status``, ``slug``, ``featured_media``, ``categories``; ``GET /wp/v2/posts?slug=…&status=any``;
  ``DELETE /wp/v2/posts/<id>`` moves a post to the trash, ``force=true`` would delete it for good)
* Media — https://developer.wordpress.org/rest-api/reference/media/ (``POST /wp/v2/media`` with the file as
  the raw body, its ``Content-Type`` and ``Content-Disposition: attachment; filename="…"``)
* Users — https://developer.wordpress.org/rest-api/reference/users/ (``GET /wp/v2/users/me``)
* Authentication — https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/ and the
  Application Passwords guide https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/
  (HTTP Basic auth: the WordPress user name and an application password, spaces optional)
* Errors — WordPress's ``WP_Error`` responses, as the core controllers send them
  (https://developer.wordpress.org/reference/classes/wp_rest_posts_controller/ and
  https://developer.wordpress.org/reference/classes/wp_rest_attachments_controller/):
  ``{"code": "rest_…", "message": "…", "data": {"status": N, "params": {…}}}``

How a post goes out (``Authorization: Basic base64(user:application password)`` on every call; every URL
under ``<base_url>/wp-json``):

1. Each media file: ``POST /wp/v2/media`` → an attachment (``id``, ``source_url``). The first image becomes the
   post's ``featured_media``; the other images and the videos are placed in the content as blocks.
2. ``POST /wp/v2/posts`` with ``title`` (the payload's title, else the text's first line), ``content`` (the
   text as escaped HTML paragraphs with links, then the link), ``status`` (``publish`` or ``draft``),
   ``categories`` (optional ids) and ``slug``: the title as a slug plus a short hash of the idempotency key,
   e.g. ``promo-kopi-susu-3f9a1c2b7e``. WordPress keeps that slug as given (it only appends ``-2`` when it
   is already taken, which the hash makes practically impossible), so :meth:`WordPressConnector.find` can
   ask ``GET /wp/v2/posts?slug=<slug>&status=any`` after an unknown outcome.

Errors: ``incorrect_password`` / ``invalid_username`` / ``rest_not_logged_in`` (401) and ``rest_cannot_*``
(a user without the right role, 401/403) → :class:`AuthError`; ``rest_invalid_param`` and other 4xx →
:class:`PermanentError` with WordPress's message and the offending parameters; a refused file type
(``rest_upload_sideload_error``, sent as 500) → :class:`PermanentError`; other 5xx → transient; 429 (from
hosts and security plugins) → :class:`RateLimited`. WordPress messages may carry HTML; it is removed.

Not supported: WordPress has no idempotency key (the slug lookup replaces it), core WordPress has no
published rate limits, Application Passwords do not expire (no refresh), and tags are not set (WordPress
wants tag ids; hashtags stay in the text). Sites with plain permalinks that only answer ``?rest_route=`` are
not supported: set ``base_url`` to a site whose ``/wp-json`` works. A failed post leaves the files already
uploaded in the media library.
"""

from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import httpx

from .base import (
    AuthError,
    Capabilities,
    Connector,
    ConnectorError,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    Published,
    RateLimited,
    TransientError,
    gettext_noop,
    parse_retry_after,
)
from .email import linkify

DOCS = "https://developer.wordpress.org/rest-api/reference/posts/"
MEDIA_DOCS = "https://developer.wordpress.org/rest-api/reference/media/"
USERS_DOCS = "https://developer.wordpress.org/rest-api/reference/users/"
AUTH_DOCS = "https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/"
STATUSES = ("publish", "draft", "pending", "private")
MAX_MEDIA = 20
SLUG_WORDS = 60  # characters of the title kept in the slug
KEY_HASH = 10  # hex characters of the key's SHA-256 in the slug

AUTH_CODES = frozenset(
    {
        "incorrect_password",
        "invalid_username",
        "invalid_email",
        "rest_not_logged_in",
        "application_passwords_disabled",
        "application_passwords_disabled_for_user",
        "rest_forbidden",
        "rest_forbidden_status",
        "rest_forbidden_context",
    }
)
LOGIN_CODES = frozenset({"incorrect_password", "invalid_username", "invalid_email", "rest_not_logged_in"})
PERMANENT_UPLOAD_CODES = frozenset({"rest_upload_sideload_error", "rest_upload_unknown_error"})

_TAG = re.compile(r"<[^>]+>")


def slugify(text: str) -> str:
    """The ASCII slug WordPress's ``sanitize_title`` would keep unchanged: ``a-z``, ``0-9`` and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_WORDS].rstrip("-")


def post_slug(payload: Payload, title: str) -> str:
    """``<title slug>-<10 hex of sha256(key)>``: readable, and the same on every attempt of one post."""
    digest = hashlib.sha256(payload.idempotency_key.encode()).hexdigest()[:KEY_HASH]
    return f"{slugify(title) or 'post'}-{digest}"


def plain(message: str) -> str:
    """A WordPress message without its HTML (``<strong>Error:</strong> …``)."""
    return " ".join(html.unescape(_TAG.sub("", message)).split())


class WordPressConnector(Connector):
    key = "wordpress"
    label = "WordPress"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=MAX_MEDIA,
        max_text=None,
        can_delete=True,  # to the trash
        can_find=True,  # by the key-derived slug
        idempotency_key=False,
        refreshes_tokens=False,  # application passwords do not expire
        rate_limits=(),  # WordPress core publishes none
        docs=DOCS,
    )
    fields = (
        ("base_url", gettext_noop("Site URL (e.g. https://blog.kopi.id)"), False, True),
        ("username", gettext_noop("WordPress user name"), False, True),
        ("status", gettext_noop("Post status: publish or draft (default publish)"), False, False),
        ("categories", gettext_noop("Category ids, separated by commas (optional)"), False, False),
        ("application_password", gettext_noop("Application password (Users → Profile → Application Passwords)"), True, True),
    )

    # -- plumbing
    @property
    def base_url(self) -> str:
        url = str(self.account.setting("base_url", "") or "").strip().rstrip("/")
        if not url:
            raise PermanentError("The WordPress account has no site URL; add it in the account settings.")
        if "://" not in url:
            url = f"https://{url}"
        return url.removesuffix("/wp-json")

    @property
    def api(self) -> str:
        return f"{self.base_url}/wp-json/wp/v2"

    def headers(self) -> dict[str, str]:
        username = str(self.account.setting("username", "") or "").strip()
        password = "".join(self.account.secret("application_password").split())
        if not username or not password:
            raise AuthError("The WordPress account needs a user name and an application password. Reconnect the account.")
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def status(self) -> str:
        value = str(self.account.setting("status", "") or "publish").strip().lower()
        if value not in STATUSES:
            raise PermanentError(f"The WordPress status '{value}' is not one of {', '.join(STATUSES)}; fix the account settings.")
        return value

    def categories(self) -> list[int]:
        raw = self.account.setting("categories", "")
        items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
        ids = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            if not text.isdigit():
                raise PermanentError(
                    f"The WordPress category '{text}' is not a category id (a number); fix the account settings."
                )
            ids.append(int(text))
        return ids

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        response = self.request(method, f"{self.api}{path}", headers=headers, **kwargs)
        if 300 <= response.status_code < 400:
            location = response.headers.get("Location", "")
            raise PermanentError(
                f"The WordPress site answered with a redirect to {location or 'another address'}; "
                "use the site's exact address (https, with or without www) as the site URL.",
                status=response.status_code,
                detail=f"HTTP {response.status_code} Location: {location}",
            )
        return response

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self.classify(response)

    def classify(self, response: httpx.Response) -> ConnectorError:
        status = response.status_code
        body = _json_object(response)
        code = str(body.get("code") or "")
        message = plain(str(body.get("message") or "")) or plain(self.error_message(response)) or f"HTTP {status}"
        params = (body.get("data") or {}).get("params") if isinstance(body.get("data"), dict) else None
        if isinstance(params, dict) and params:
            message = f"{message} ({'; '.join(plain(str(text)) for text in params.values())})"
        elif isinstance(params, list) and params:
            message = f"{message} ({', '.join(str(name) for name in params)})"
        detail = f"HTTP {status}: {response.text[:1500]}"
        if code in LOGIN_CODES:
            return AuthError(
                f"WordPress refused the user name or application password: {message} "
                "Create a new application password and update the account.",
                status=status,
                detail=detail,
            )
        if code.startswith("rest_cannot_") or code in AUTH_CODES:
            return AuthError(
                f"The WordPress user is not allowed to do this: {message} "
                "Give the user the Author role (or higher), or connect another user.",
                status=status,
                detail=detail,
            )
        if code in PERMANENT_UPLOAD_CODES:
            return PermanentError(f"WordPress refused the file: {message}", status=status, detail=detail)
        if code == "rest_no_route":
            return PermanentError(
                f"The WordPress REST API was not found at {self.api} ({message}). Check the site URL and that no "
                "plugin turns the REST API off.",
                status=status,
                detail=detail,
            )
        if status in (401, 403):
            return AuthError(
                f"WordPress refused the account: {message}. Check the user and the application password.",
                status=status,
                detail=detail,
            )
        if status == 429:
            return RateLimited(
                f"The WordPress site is limiting requests; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status == 504:
            return OutcomeUnknown(
                "A gateway in front of WordPress timed out; Alur checks whether the post exists before trying again.",
                status=status,
                detail=detail,
            )
        if status == 408 or status >= 500:
            return TransientError(
                f"The WordPress site had a temporary error ({status}: {message}); Alur will try again.",
                status=status,
                detail=detail,
            )
        return PermanentError(f"WordPress refused the post: {message}", status=status, detail=detail)

    # -- building the post
    def title(self, payload: Payload) -> str:
        title = " ".join(payload.title.split())
        if not title:
            first = next((line for line in payload.text.splitlines() if line.strip()), "")
            title = " ".join(first.split())
        return title

    def content(self, payload: Payload, attachments: list[tuple[MediaFile, dict[str, Any]]], featured: int | None) -> str:
        text = payload.body()
        blocks = [
            f"<p>{linkify(paragraph.strip()).replace(chr(10), '<br />')}</p>"
            for paragraph in re.split(r"\n\s*\n", text.strip())
            if paragraph.strip()
        ]
        if payload.link and payload.link not in text:
            url = html.escape(payload.link)
            blocks.append(f'<p><a href="{url}">{url}</a></p>')
        for item, attachment in attachments:
            attachment_id = attachment.get("id")
            if attachment_id == featured:
                continue
            source = html.escape(str(attachment.get("source_url") or item.url))
            if item.kind == "video":
                blocks.append(f'<figure class="wp-block-video"><video controls src="{source}"></video></figure>')
            else:
                alt = html.escape(item.name)
                blocks.append(
                    f'<figure class="wp-block-image"><img src="{source}" alt="{alt}" class="wp-image-{attachment_id}" /></figure>'
                )
        return "\n\n".join(blocks)

    def upload(self, item: MediaFile) -> dict[str, Any]:
        """``POST /wp/v2/media`` with the raw file; returns the attachment (``id``, ``source_url``)."""
        filename = _ascii_filename(item.name, item.mime_type)
        response = self.call(
            "POST",
            "/media",
            content=item.read(),
            headers={
                "Content-Type": item.mime_type or "application/octet-stream",
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
        attachment = _json_object(response)
        if not isinstance(attachment.get("id"), int):
            raise TransientError(
                "WordPress did not return an id for the uploaded file; Alur will try again.",
                status=response.status_code,
                detail=response.text[:1500],
            )
        return attachment

    # -- the contract
    def publish(self, payload: Payload) -> Published:
        if len(payload.media) > MAX_MEDIA:
            raise PermanentError(f"Alur sends at most {MAX_MEDIA} files with one WordPress post.")
        title = self.title(payload)
        if not title and not payload.text.strip() and not payload.media:
            raise PermanentError("A WordPress post needs a title or some text.")
        status, categories = self.status(), self.categories()
        attachments = [(item, self.upload(item)) for item in payload.media]
        featured = next((int(a["id"]) for item, a in attachments if item.kind == "image"), None)
        body: dict[str, Any] = {
            "title": title,
            "content": self.content(payload, attachments, featured),
            "status": status,
            "slug": post_slug(payload, title),
        }
        if featured is not None:
            body["featured_media"] = featured
        if categories:
            body["categories"] = categories
        response = self.call("POST", "/posts", json=body)
        post = _json_object(response)
        post_id = post.get("id")
        if not post_id:
            raise OutcomeUnknown(
                "WordPress answered without the new post's id; Alur checks whether the post exists before trying again.",
                status=response.status_code,
                detail=response.text[:1500],
            )
        return Published(str(post_id), str(post.get("link") or ""), post)

    def find(self, payload: Payload) -> Published | None:
        slug = post_slug(payload, self.title(payload))
        response = self.call("GET", "/posts", params={"slug": slug, "status": "any", "context": "edit"})
        try:
            posts = response.json()
        except ValueError:
            posts = []
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict) and post.get("id") and post.get("slug") == slug:
                return Published(str(post["id"]), str(post.get("link") or ""), post)
        return None

    def delete(self, external_id: str) -> None:
        """Move the post to the trash (a person can still restore it in WordPress)."""
        try:
            self.call("DELETE", f"/posts/{external_id}")
        except PermanentError as error:
            if error.status in (404, 410) and "rest_no_route" not in error.detail:
                return  # rest_post_invalid_id, rest_already_trashed: already gone
            raise

    def test_connection(self) -> str:
        user = _json_object(self.call("GET", "/users/me", params={"context": "edit"}))
        name = str(user.get("name") or user.get("slug") or self.account.setting("username"))
        capabilities = user.get("capabilities")
        if isinstance(capabilities, dict) and capabilities:
            needed = "publish_posts" if self.status() in ("publish", "private") else "edit_posts"
            if not capabilities.get(needed):
                raise AuthError(
                    f"The WordPress user {name} may not {'publish' if needed == 'publish_posts' else 'write'} posts. "
                    "Give the user the Author role (or higher), or connect another user."
                )
        host = urlsplit(self.base_url).hostname or self.base_url
        return f"{name} on {host}"


def _ascii_filename(name: str, mime_type: str) -> str:
    """A plain ASCII file name with an extension (WordPress decides the file type by the extension)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.") or "upload"
    if "." not in cleaned:
        cleaned += mimetypes.guess_extension(mime_type or "") or ""
    return cleaned


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
