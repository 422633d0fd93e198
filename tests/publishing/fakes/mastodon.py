"""A fake Mastodon instance speaking the documented REST contract.

https://docs.joinmastodon.org/methods/statuses/ (create with ``Idempotency-Key``, delete),
https://docs.joinmastodon.org/methods/media/ (``POST /api/v2/media``: 200 when ready, 202 with ``url: null``
while processing; ``GET /api/v1/media/:id``: 206 while processing, 200 when ready),
https://docs.joinmastodon.org/methods/accounts/ (verify_credentials, an account's statuses, newest first,
``limit`` at most 40) and https://docs.joinmastodon.org/entities/Error/ (``{"error": "..."}``).

Statuses are stored the way Mastodon renders them: ``content`` is HTML with ``<p>`` paragraphs, ``<br />``
line breaks, links split into spans and hashtags as links; ``&<>`` escaped.

Limits are the instance's own, served at ``GET /api/v2/instance`` as ``configuration.statuses.max_characters``,
``max_media_attachments`` and ``characters_reserved_per_url`` (https://docs.joinmastodon.org/methods/instance/#v2
and https://docs.joinmastodon.org/entities/Instance/#statuses, read 2026-12-08). This fake serves
non-default ones (1,000 characters, 6 attachments) and enforces them, counting each link as
``characters_reserved_per_url`` characters (https://docs.joinmastodon.org/user/posting/#links).
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .server import FakeServer, Reply, Request
from .x import parse_multipart

TOKEN = "mastodon-access-token"
ACCOUNT_ID = "109302143543289054"
USERNAME = "kopikita"
MAX_CHARS = 1000  # this instance's limit (Mastodon's default is 500)
MAX_MEDIA = 6  # this instance's limit (Mastodon's default is 4)
URL_WEIGHT = 23
_URL = re.compile(r"(https?://\S+)")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


def error(status: int, message: str) -> Reply:
    return Reply(status, {"error": message})


@dataclass
class FakeMastodon:
    server: FakeServer = field(default_factory=FakeServer)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, str] = field(default_factory=dict)  # key → status id
    processing_polls: int = 2  # GET /api/v1/media/:id answers 206 this many times for a video
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(111_000_000_000_000_001))
    max_characters: int = MAX_CHARS
    max_media_attachments: int = MAX_MEDIA

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", r"/api/v1/statuses")(self.create_status)
        route("DELETE", r"/api/v1/statuses/(?P<id>\d+)")(self.delete_status)
        route("POST", r"/api/v2/media")(self.upload_media)
        route("GET", r"/api/v1/media/(?P<id>\d+)")(self.get_media)
        route("GET", r"/api/v1/accounts/verify_credentials")(self.verify_credentials)
        route("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses")(self.account_statuses)
        route("GET", r"/api/v2/instance")(self.instance)

    def instance(self, request: Request) -> Reply:
        """The parts of the v2 Instance entity Alur reads (public: no token needed)."""
        return Reply(
            200,
            {
                "domain": "127.0.0.1",
                "title": "Kopi Social",
                "version": "4.3.0",
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": self.max_media_attachments,
                        "characters_reserved_per_url": URL_WEIGHT,
                    },
                    "media_attachments": {"image_size_limit": 16777216, "video_size_limit": 103809024},
                },
            },
        )

    def __enter__(self) -> FakeMastodon:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def check(self, request: Request) -> Reply | None:
        auth = request.header("Authorization")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return error(401, "The access token is invalid")
        return None

    def next_id(self) -> str:
        return str(next(self.counter))

    def render(self, text: str) -> str:
        """Mastodon's plain-text → HTML formatting (paragraphs, line breaks, links, hashtags)."""
        paragraphs = []
        for paragraph in re.split(r"\n{2,}", text.strip()):
            parts = []
            for index, part in enumerate(_URL.split(paragraph)):
                if index % 2:
                    scheme, _, rest = part.partition("://")
                    parts.append(
                        f'<a href="{html.escape(part)}" target="_blank" rel="nofollow noopener" translate="no">'
                        f'<span class="invisible">{scheme}://</span><span class="ellipsis">{html.escape(rest[:30])}</span>'
                        f'<span class="invisible">{html.escape(rest[30:])}</span></a>'
                    )
                else:
                    escaped = html.escape(part, quote=False)
                    escaped = _HASHTAG.sub(
                        lambda m: (
                            f'<a href="{self.url}/tags/{m.group(1).lower()}" class="mention hashtag" rel="tag">'
                            f"#<span>{m.group(1)}</span></a>"
                        ),
                        escaped,
                    )
                    parts.append(escaped.replace("\n", "<br />"))
            paragraphs.append(f"<p>{''.join(parts)}</p>")
        return "".join(paragraphs)

    # -- statuses
    def create_status(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if request.header("Content-Type").startswith("application/json"):
            body = request.json() or {}
            text, media_ids, visibility = body.get("status", ""), body.get("media_ids") or [], body.get("visibility")
        else:
            form = request.form()
            text = (form.get("status") or [""])[0]
            media_ids = form.get("media_ids[]") or []
            visibility = (form.get("visibility") or [None])[0]
        key = request.header("Idempotency-Key")
        if key and key in self.idempotency and self.idempotency[key] in self.statuses:
            return Reply(200, self.statuses[self.idempotency[key]])
        if not text and not media_ids:
            return error(422, "Validation failed: Text can't be blank")
        if len(_URL.sub("x" * URL_WEIGHT, text)) > self.max_characters:
            return error(422, f"Validation failed: Text character limit of {self.max_characters} exceeded")
        if visibility not in (None, "public", "unlisted", "private", "direct"):
            return error(422, "Validation failed: Visibility is not included in the list")
        if len(media_ids) > self.max_media_attachments:
            return error(422, "Validation failed: Media attachments too many")
        attachments = []
        for media_id in media_ids:
            item = self.media.get(media_id)
            if item is None:
                return error(422, "Validation failed: Media attachments are invalid")
            if item["url"] is None:
                return error(422, "Cannot attach files that have not finished processing. Try again in a moment!")
            attachments.append(item)
        if len(attachments) > 1 and any(item["type"] == "video" for item in attachments):
            return error(422, "Cannot attach a video to a post that already contains images")
        status_id = self.next_id()
        status = {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "visibility": visibility or "public",
            "uri": f"{self.url}/users/{USERNAME}/statuses/{status_id}",
            "url": f"{self.url}/@{USERNAME}/{status_id}",
            "content": self.render(text),
            "media_attachments": attachments,
            "account": {"id": ACCOUNT_ID, "username": USERNAME, "acct": USERNAME},
            "_text": text,
        }
        self.statuses[status_id] = status
        if key:
            self.idempotency[key] = status_id
        return Reply(200, {k: v for k, v in status.items() if not k.startswith("_")})

    def delete_status(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        status = self.statuses.pop(request.match.group("id") if request.match else "", None)
        if status is None:
            return error(404, "Record not found")
        visible = {k: v for k, v in status.items() if not k.startswith("_")}
        return Reply(200, {**visible, "text": status["_text"]})

    # -- media
    def upload_media(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if not request.header("Content-Type").startswith("multipart/form-data"):
            return error(422, "Validation failed: File can't be blank")
        data = parse_multipart(request).get("file")
        if not data:
            return error(422, "Validation failed: File can't be blank")
        media_id = self.next_id()
        is_video = data.startswith(b"VIDEO")
        item = {
            "id": media_id,
            "type": "video" if is_video else "image",
            "url": None if is_video else f"{self.url}/system/media_attachments/{media_id}.png",
            "preview_url": f"{self.url}/system/media_attachments/{media_id}_small.png",
            "description": None,
            "_polls": 0,
        }
        self.media[media_id] = item
        visible = {k: v for k, v in item.items() if not k.startswith("_")}
        return Reply(202 if is_video else 200, visible)

    def get_media(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        item = self.media.get(request.match.group("id") if request.match else "")
        if item is None:
            return error(404, "Record not found")
        item["_polls"] += 1
        if item["url"] is None and item["_polls"] > self.processing_polls:
            item["url"] = f"{self.url}/system/media_attachments/{item['id']}.mp4"
        visible = {k: v for k, v in item.items() if not k.startswith("_")}
        return Reply(206 if item["url"] is None else 200, visible)

    # -- accounts
    def verify_credentials(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        return Reply(
            200,
            {
                "id": ACCOUNT_ID,
                "username": USERNAME,
                "acct": USERNAME,
                "display_name": "Kopi Kita",
                "url": f"{self.url}/@{USERNAME}",
            },
        )

    def account_statuses(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if (request.match.group("id") if request.match else "") != ACCOUNT_ID:
            return error(404, "Record not found")
        limit = min(int((request.query.get("limit") or ["20"])[0]), 40)
        newest_first = [{k: v for k, v in s.items() if not k.startswith("_")} for s in reversed(self.statuses.values())]
        return Reply(200, newest_first[:limit])
