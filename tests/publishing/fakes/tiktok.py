"""A fake of TikTok's Content Posting API, speaking the documented contract.

https://developers.tiktok.com/doc/content-posting-api-reference-direct-post (creator info, video init,
upload), https://developers.tiktok.com/doc/content-posting-api-reference-photo-post,
https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (chunk rules),
https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status and
https://developers.tiktok.com/doc/tiktok-api-v2-error-handling (the error envelope).

Every answer is ``{"data": ..., "error": {"code", "message", "log_id"}}`` with ``code == "ok"`` on success.

What TikTok refuses, as read on 2026-12-07:

* https://developers.tiktok.com/doc/content-sharing-guidelines (Direct Post API - Developer Guidelines): an API
  client TikTok has not audited may post ``SELF_ONLY`` only; anything else is refused with
  ``unaudited_client_can_only_post_to_private_accounts`` (the Direct Post reference's error table).
  :attr:`TikTokFake.audited` is False by default, as every new app is.
* https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info: the privacy level must be
  one of the creator's ``privacy_level_options`` (``privacy_level_option_mismatch``); comments, duets and
  stitches the creator has turned off must be sent disabled.
* https://developers.tiktok.com/doc/content-posting-api-reference-direct-post: ``privacy_level`` and
  ``brand_content_toggle`` are required; branded content cannot be private (``SELF_ONLY``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .server import FakeServer, Reply, Request

TOKEN = "act.example-token"
CLIENT_KEY = "aw-client-key"
CLIENT_SECRET = "client-secret"
REFRESH_TOKEN = "rft.example-refresh"


def envelope(data: Any = None, code: str = "ok", message: str = "", status: int = 200) -> Reply:
    return Reply(status, {"data": data or {}, "error": {"code": code, "message": message, "log_id": "202401010000000000"}})


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    reply = envelope({}, code, message, status)
    reply.headers = headers or {}
    return reply


@dataclass
class Upload:
    publish_id: str
    video_size: int
    chunk_size: int
    total_chunk_count: int
    received: bytearray = field(default_factory=bytearray)
    chunks: int = 0


@dataclass
class TikTokFake:
    server: FakeServer = field(default_factory=FakeServer)
    privacy_level_options: list[str] = field(default_factory=lambda: ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"])
    audited: bool = False  # has TikTok audited the API client? Unaudited clients post SELF_ONLY only
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = True
    # Statuses the status fetch walks through for each publish (the last one repeats).
    statuses: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"status": "PROCESSING_UPLOAD"},
            {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [7291234567890123456]},
        ]
    )
    min_chunk: int = 5 * 1024 * 1024
    max_single: int = 64 * 1024 * 1024
    init_reply: Reply | None = None  # force an answer from the init endpoints (errors)
    uploads: dict[str, Upload] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    issued_refresh_token: str = "rft.rotated"
    # Token lifecycle (https://developers.tiktok.com/doc/oauth-user-access-token-management, read 2026-12-08:
    # ``expires_in`` 86400 s, ``refresh_token`` valid 365 days; https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token
    # says a refresh returns a new refresh token and the previous one stops working). The newer page gives
    # shorter lifetimes (2 hours / 180 days) and tells clients to read ``expires_in`` rather than hard-code
    # them, which is what Alur does; ``expires_in`` here is configurable.
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    refresh_tokens: set[str] = field(default_factory=lambda: {REFRESH_TOKEN})
    expires_in: int = 86400
    refreshes: int = 0

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", "/v2/post/publish/creator_info/query/")(self.creator_info)
        route("POST", "/v2/post/publish/video/init/")(self.video_init)
        route("POST", "/v2/post/publish/content/init/")(self.content_init)
        route("PUT", r"/upload/(?P<publish_id>[^/]+)")(self.upload)
        route("POST", "/v2/post/publish/status/fetch/")(self.status_fetch)
        route("POST", "/v2/oauth/token/")(self.token)

    def __enter__(self) -> TikTokFake:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def expire_access_tokens(self) -> None:
        """The access tokens' lifetime is over: every call with one answers 401 until a refresh."""
        self.tokens.clear()

    # -- checks shared by the API endpoints
    def _unauthorized(self, request: Request) -> Reply | None:
        if request.header("Authorization").removeprefix("Bearer ") not in self.tokens:
            return error(401, "access_token_invalid", "The access token is invalid or not found in the request.")
        if not request.header("Content-Type").startswith("application/json"):
            return error(400, "invalid_params", "Content-Type must be application/json.")
        return None

    def _check_post_info(self, post_info: Any, *, title_limit: int, video: bool = True) -> Reply | None:
        if not isinstance(post_info, dict):
            return error(400, "invalid_params", "post_info is required.")
        level = post_info.get("privacy_level")
        if not level:
            return error(400, "invalid_params", "privacy_level is required.")
        if not self.audited and level != "SELF_ONLY":
            return error(
                403,
                "unaudited_client_can_only_post_to_private_accounts",
                "Unaudited clients can only post to private accounts (privacy_level SELF_ONLY).",
            )
        if level not in self.privacy_level_options:
            return error(400, "privacy_level_option_mismatch", f"privacy_level {level} is not allowed for this creator.")
        if not isinstance(post_info.get("brand_content_toggle"), bool):
            return error(400, "invalid_params", "brand_content_toggle is required.")
        if post_info["brand_content_toggle"] and level == "SELF_ONLY":
            return error(400, "invalid_params", "Branded content cannot be posted with privacy_level SELF_ONLY.")
        switched_off = [("disable_comment", self.comment_disabled)]
        if video:
            switched_off += [("disable_duet", self.duet_disabled), ("disable_stitch", self.stitch_disabled)]
        for name, creator_disabled in switched_off:
            if creator_disabled and post_info.get(name) is not True:
                return error(400, "invalid_params", f"{name} must be true: the creator has turned it off.")
        if len(str(post_info.get("title", "")).encode("utf-16-le")) // 2 > title_limit:
            return error(400, "invalid_params", "title is too long.")
        return None

    def _new_publish_id(self, prefix: str) -> str:
        return f"{prefix}~v2-1.{len(self.posts) + 1}"

    # -- endpoints
    def creator_info(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        return envelope(
            {
                "creator_avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg",
                "creator_username": "kopi.nusantara",
                "creator_nickname": "Kopi Nusantara",
                "privacy_level_options": self.privacy_level_options,
                "comment_disabled": self.comment_disabled,
                "duet_disabled": self.duet_disabled,
                "stitch_disabled": self.stitch_disabled,
                "max_video_post_duration_sec": 300,
            }
        )

    def video_init(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        if self.init_reply is not None:
            return self.init_reply
        body = request.json()
        if invalid := self._check_post_info(body.get("post_info"), title_limit=2200):
            return invalid
        source = body.get("source_info") or {}
        if source.get("source") == "PULL_FROM_URL":
            if not str(source.get("video_url", "")).startswith(("http://", "https://")):
                return error(400, "invalid_params", "video_url is required for PULL_FROM_URL.")
            publish_id = self._new_publish_id("v_pub_url")
            self.posts[publish_id] = body
            return envelope({"publish_id": publish_id})
        if source.get("source") != "FILE_UPLOAD":
            return error(400, "invalid_params", "source must be FILE_UPLOAD or PULL_FROM_URL.")
        size, chunk, count = source.get("video_size"), source.get("chunk_size"), source.get("total_chunk_count")
        if not all(isinstance(value, int) and value > 0 for value in (size, chunk, count)):
            return error(400, "invalid_params", "video_size, chunk_size and total_chunk_count are required.")
        if size < self.min_chunk and chunk != size:
            return error(400, "invalid_params", "Videos under 5 MB must be uploaded whole.")
        if size > self.max_single and not (self.min_chunk <= chunk <= self.max_single):
            return error(400, "invalid_params", "chunk_size must be between 5 MB and 64 MB.")
        if count != size // chunk or not 1 <= count <= 1000:
            return error(400, "invalid_params", "total_chunk_count must be video_size / chunk_size rounded down.")
        publish_id = self._new_publish_id("v_pub_file")
        self.posts[publish_id] = body
        self.uploads[publish_id] = Upload(publish_id, size, chunk, count)
        return envelope({"publish_id": publish_id, "upload_url": f"{self.url}/upload/{publish_id}"})

    def content_init(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        if self.init_reply is not None:
            return self.init_reply
        body = request.json()
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return error(400, "invalid_params", "media_type must be PHOTO and post_mode DIRECT_POST or MEDIA_UPLOAD.")
        if invalid := self._check_post_info(body.get("post_info"), title_limit=90, video=False):
            return invalid
        source = body.get("source_info") or {}
        images = source.get("photo_images") or []
        if source.get("source") != "PULL_FROM_URL" or not 1 <= len(images) <= 35:
            return error(400, "invalid_params", "photo_images needs 1 to 35 URLs pulled from a verified domain.")
        publish_id = self._new_publish_id("p_pub_url")
        self.posts[publish_id] = body
        return envelope({"publish_id": publish_id})

    def upload(self, request: Request) -> Reply:
        assert request.match is not None
        upload = self.uploads.get(request.match["publish_id"])
        if upload is None:
            return Reply(404, "unknown upload")
        expected_first = len(upload.received)
        range_header = request.header("Content-Range")
        try:
            unit, _, spec = range_header.partition(" ")
            span, _, total = spec.partition("/")
            first, _, last = span.partition("-")
            first_byte, last_byte, total_bytes = int(first), int(last), int(total)
        except ValueError:
            return Reply(400, "bad Content-Range")
        if unit != "bytes" or total_bytes != upload.video_size or first_byte != expected_first:
            return Reply(400, "chunks must be sent in order with the declared size")
        if len(request.body) != last_byte - first_byte + 1:
            return Reply(400, "Content-Length does not match Content-Range")
        upload.received.extend(request.body)
        upload.chunks += 1
        if len(upload.received) == upload.video_size:
            return Reply(201)
        return Reply(206)

    def status_fetch(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        publish_id = (request.json() or {}).get("publish_id")
        if publish_id not in self.posts:
            return error(400, "invalid_params", "publish_id does not exist.")
        upload = self.uploads.get(publish_id)
        if upload is not None and len(upload.received) < upload.video_size:
            return envelope({"status": "PROCESSING_UPLOAD", "uploaded_bytes": len(upload.received)})
        index = self.polls.get(publish_id, 0)
        self.polls[publish_id] = index + 1
        return envelope(self.statuses[min(index, len(self.statuses) - 1)])

    def token(self, request: Request) -> Reply:
        form = {key: values[0] for key, values in request.form().items()}
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return Reply(
                401, {"error": "invalid_client", "error_description": "Client key or secret is incorrect.", "log_id": "1"}
            )
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.refresh_tokens:
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.", "log_id": "2"}
            )
        self.refreshes += 1
        access = "act.fresh" if self.refreshes == 1 else f"act.fresh-{self.refreshes}"
        rotated = self.issued_refresh_token if self.refreshes == 1 else f"{self.issued_refresh_token}-{self.refreshes}"
        self.tokens.add(access)
        self.refresh_tokens.discard(form["refresh_token"])  # rotated: the previous one stops working
        self.refresh_tokens.add(rotated)
        return Reply(
            200,
            {
                "access_token": access,
                "expires_in": self.expires_in,
                "open_id": "open-id-1",
                "refresh_expires_in": 31536000,
                "refresh_token": rotated,
                "scope": "user.info.basic,video.publish",
                "token_type": "Bearer",
            },
        )
