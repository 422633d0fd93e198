"""A fake WordPress site speaking the documented REST contract (``/wp-json/wp/v2``).

https://developer.wordpress.org/rest-api/reference/posts/ (create, list by ``slug`` and ``status``, delete to
the trash / ``force``), https://developer.wordpress.org/rest-api/reference/media/ (raw-body upload with
``Content-Disposition``), https://developer.wordpress.org/rest-api/reference/users/ (``users/me``) and
Application Passwords over Basic auth. Errors use WordPress's shape ``{"code", "message", "data": {"status"}}``
with the codes and (HTML-bearing) messages WordPress core sends.

Behaviour copied from core: a requested ``slug`` is kept as given, and made unique with ``-2`` only when a
non-draft post already has it; ``status=any`` lists every status but ``trash``; a user without
``publish_posts`` may create drafts but gets ``rest_cannot_publish``; ``featured_media`` must be an image.
"""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from .server import FakeServer, Reply, Request

USERNAME = "editor"
APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 6789"
CONTRIBUTOR = "kontributor"
CONTRIBUTOR_PASSWORD = "wxyz 9876 WXYZ 5432 qrst 1098"
STATUSES = ("publish", "future", "draft", "pending", "private", "trash")
ALLOWED_UPLOADS = {"jpg", "jpeg", "png", "gif", "webp", "mp4", "mov"}
CATEGORIES = {1, 7, 12}

EDITOR_CAPS = {"read": True, "edit_posts": True, "publish_posts": True, "upload_files": True, "delete_posts": True}
CONTRIBUTOR_CAPS = {"read": True, "edit_posts": True, "delete_posts": True}


def wp_error(status: int, code: str, message: str, **data: Any) -> Reply:
    return Reply(status, {"code": code, "message": message, "data": {"status": status, **data}})


@dataclass
class FakeWordPress:
    server: FakeServer = field(default_factory=FakeServer)
    users: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            USERNAME: {"id": 2, "name": "Kopi Kita Editor", "password": APP_PASSWORD, "caps": EDITOR_CAPS},
            CONTRIBUTOR: {"id": 3, "name": "Kontributor", "password": CONTRIBUTOR_PASSWORD, "caps": CONTRIBUTOR_CAPS},
        }
    )
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    media: dict[int, dict[str, Any]] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(101))

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", r"/wp-json/wp/v2/posts")(self.create_post)
        route("GET", r"/wp-json/wp/v2/posts")(self.list_posts)
        route("DELETE", r"/wp-json/wp/v2/posts/(?P<id>\d+)")(self.delete_post)
        route("POST", r"/wp-json/wp/v2/media")(self.upload_media)
        route("GET", r"/wp-json/wp/v2/users/me")(self.me)

    def __enter__(self) -> FakeWordPress:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    # -- authentication (Application Passwords: Basic auth, spaces in the password optional)
    def user(self, request: Request) -> dict[str, Any] | Reply | None:
        auth = request.header("Authorization")
        if not auth:
            return None
        if not auth.startswith("Basic "):
            return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
        try:
            username, _, password = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
        user = self.users.get(username)
        if user is None:
            return wp_error(
                401,
                "invalid_username",
                f"<strong>Error:</strong> The username <strong>{username}</strong> is not registered on this site.",
            )
        if re.sub(r"\s", "", password) != re.sub(r"\s", "", user["password"]):
            return wp_error(401, "incorrect_password", "The provided password is an invalid application password.")
        return {"username": username, **user}

    def require(self, request: Request, code: str, message: str) -> dict[str, Any] | Reply:
        user = self.user(request)
        if user is None:
            return wp_error(401, code, message)
        return user

    # -- posts
    def public(self, post: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in post.items() if not k.startswith("_")}

    def unique_slug(self, slug: str, status: str) -> str:
        if status in ("draft", "pending"):
            return slug  # wp_unique_post_slug() leaves drafts alone
        taken = {p["slug"] for p in self.posts.values() if p["status"] not in ("draft", "pending", "trash")}
        candidate, suffix = slug, 2
        while candidate in taken:
            candidate, suffix = f"{slug}-{suffix}", suffix + 1
        return candidate

    def create_post(self, request: Request) -> Reply:
        user = self.require(request, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.")
        if isinstance(user, Reply):
            return user
        if not request.header("Content-Type").startswith("application/json"):
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        body = request.json() or {}
        status = body.get("status", "draft")
        if status not in STATUSES or status == "trash":
            return wp_error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): status",
                params={"status": "status is not one of publish, future, draft, pending, private."},
                details={},
            )
        categories = body.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, int) for c in categories):
            return wp_error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): categories",
                params={"categories": "categories[0] is not of type integer."},
            )
        if status in ("publish", "private", "future") and not user["caps"].get("publish_posts"):
            return wp_error(403, "rest_cannot_publish", "Sorry, you are not allowed to publish posts in this post type.")
        if any(c not in CATEGORIES for c in categories):
            return wp_error(403, "rest_cannot_assign_term", "Sorry, you are not allowed to assign the provided terms.")
        title, content = str(body.get("title") or ""), str(body.get("content") or "")
        if not title and not content:
            return wp_error(400, "empty_content", "Content, title, and excerpt are empty.")
        featured = body.get("featured_media", 0)
        if featured and (featured not in self.media or self.media[featured]["media_type"] != "image"):
            return wp_error(400, "rest_invalid_featured_media", "Invalid featured media ID.")
        post_id = next(self.counter)
        requested = str(body.get("slug") or "")
        if requested and not re.fullmatch(r"[a-z0-9-]+", requested):
            requested = re.sub(r"[^a-z0-9-]+", "-", requested.lower())  # sanitize_title(), roughly
        slug = self.unique_slug(requested or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), status)
        link = f"{self.url}/{slug}/" if status == "publish" else f"{self.url}/?p={post_id}"
        post = {
            "id": post_id,
            "date": "2026-05-04T09:00:00",
            "slug": slug,
            "status": status,
            "type": "post",
            "link": link,
            "title": {"raw": title, "rendered": title},
            "content": {"raw": content, "rendered": content, "protected": False},
            "author": user["id"],
            "featured_media": featured or 0,
            "categories": categories or [1],
        }
        self.posts[post_id] = post
        return Reply(201, self.public(post), headers={"Location": f"{self.url}/wp-json/wp/v2/posts/{post_id}"})

    def list_posts(self, request: Request) -> Reply:
        statuses = ",".join(request.query.get("status") or ["publish"]).split(",")
        if statuses != ["publish"] or (request.query.get("context") or ["view"])[0] == "edit":
            user = self.user(request)
            if isinstance(user, Reply):
                return user
            if user is None or not user["caps"].get("edit_posts"):
                if statuses != ["publish"]:
                    return wp_error(401, "rest_forbidden_status", "Status is forbidden.")
                return wp_error(401, "rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type.")
        slugs = ",".join(request.query.get("slug") or []).split(",") if request.query.get("slug") else None
        found = []
        for post in reversed(self.posts.values()):
            if "any" in statuses:
                if post["status"] == "trash":
                    continue
            elif post["status"] not in statuses:
                continue
            if slugs is not None and post["slug"] not in slugs:
                continue
            found.append(self.public(post))
        return Reply(200, found, headers={"X-WP-Total": str(len(found)), "X-WP-TotalPages": "1"})

    def delete_post(self, request: Request) -> Reply:
        user = self.require(request, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
        if isinstance(user, Reply):
            return user
        post_id = int(request.match.group("id")) if request.match else 0
        post = self.posts.get(post_id)
        if post is None:
            return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
        if (request.query.get("force") or ["false"])[0] == "true":
            del self.posts[post_id]
            return Reply(200, {"deleted": True, "previous": self.public(post)})
        if post["status"] == "trash":
            return wp_error(410, "rest_already_trashed", "The post has already been deleted.")
        post["status"] = "trash"
        post["slug"] = f"{post['slug']}__trashed"
        return Reply(200, self.public(post))

    # -- media
    def upload_media(self, request: Request) -> Reply:
        user = self.require(request, "rest_cannot_create", "Sorry, you are not allowed to upload media on this site.")
        if isinstance(user, Reply):
            return user
        if not user["caps"].get("upload_files"):
            return wp_error(403, "rest_cannot_create", "Sorry, you are not allowed to upload media on this site.")
        if not request.body:
            return wp_error(400, "rest_upload_no_data", "No data supplied.")
        disposition = request.header("Content-Disposition")
        match = re.search(r'filename="?([^";]+)"?', disposition)
        if not match:
            return wp_error(
                400,
                "rest_upload_no_content_disposition",
                "No Content-Disposition supplied. Content-Disposition needs to be formatted as "
                '`attachment; filename="image.png"` or similar.',
            )
        filename = match.group(1)
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if extension not in ALLOWED_UPLOADS:
            return wp_error(500, "rest_upload_sideload_error", "Sorry, you are not allowed to upload this file type.")
        media_id = next(self.counter)
        mime_type = request.header("Content-Type")
        item = {
            "id": media_id,
            "slug": filename.rpartition(".")[0],
            "status": "inherit",
            "type": "attachment",
            "media_type": "image" if mime_type.startswith("image/") else "file",
            "mime_type": mime_type,
            "source_url": f"{self.url}/wp-content/uploads/2026/05/{filename}",
            "_data": request.body,
        }
        self.media[media_id] = item
        return Reply(201, self.public(item))

    # -- users
    def me(self, request: Request) -> Reply:
        user = self.require(request, "rest_not_logged_in", "You are not currently logged in.")
        if isinstance(user, Reply):
            return user
        data: dict[str, Any] = {"id": user["id"], "name": user["name"], "slug": user["username"], "link": ""}
        if (request.query.get("context") or ["view"])[0] == "edit":
            data.update(username=user["username"], capabilities=user["caps"], roles=["editor"])
        return Reply(200, data)
