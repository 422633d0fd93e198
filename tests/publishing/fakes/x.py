"""A fake of the X API v2 (posts, media upload, users, OAuth 2.0 token) on FakeServer.

It speaks the documented contract: Bearer user tokens, ``{"data": ...}`` answers, RFC 7807 problem documents
for errors (``{"title", "detail", "type", "status"}``, ``errors[]`` for invalid requests), the duplicate-content
403, chunked media upload (initialize → append → finalize → STATUS polling) and refresh-token rotation.
Stored posts look like X returns them: links rewritten to t.co, a t.co link appended for media, ``&<>``
HTML-escaped.

Refusals held to the documented contract (pages read 2026-12-08):

* Scopes — https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code and the endpoint pages
  (https://docs.x.com/x-api/posts/creation-of-a-post: ``tweet.read tweet.write users.read``;
  https://docs.x.com/x-api/media/upload-media and the chunked ``initialize/append/finalize`` pages:
  ``media.write``). A token without the scope an endpoint needs gets 403 ("Valid auth but no permission for this
  resource or action", https://docs.x.com/x-api/fundamentals/response-codes-and-errors) as a generic
  ``about:blank`` problem. A refreshed token keeps the scopes of the grant.
* Pay-per-use credits — https://docs.x.com/x-api/getting-started/pricing: requests draw on prepaid credits; when
  they are used up the API answers 402 Payment Required.
* Usage cap — https://docs.x.com/x-api/fundamentals/response-codes-and-errors: "429 Too Many Requests — Rate limit
  or usage cap exceeded"; a cap answers the ``https://api.twitter.com/2/problems/usage-capped`` problem
  (``"title": "UsageCapExceeded", "period": "Monthly", "scope": "Product"``) without a reset time, unlike the
  per-window rate limit, which answers 429 with ``x-rate-limit-limit/-remaining/-reset``
  (https://docs.x.com/x-api/fundamentals/rate-limits).
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from .server import FakeServer, Reply, Request

TOKEN = "x-user-token"
REFRESH_TOKEN = "x-refresh-1"
CLIENT_ID = "x-client-id"
CLIENT_SECRET = "x-client-secret"
USER_ID = "2244994945"
USERNAME = "kopikita"
# What Alur asks for when an account is connected (XConnector.SCOPES).
FULL_SCOPES = frozenset({"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"})
USAGE_CAPPED = "https://api.twitter.com/2/problems/usage-capped"


def problem(status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: Any) -> Reply:
    return Reply(status, {"title": title, "detail": detail, "type": type_, "status": status, **extra})


def invalid(message: str) -> Reply:
    return problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        type_="https://api.twitter.com/2/problems/invalid-request",
        errors=[{"parameters": {}, "message": message}],
    )


def parse_multipart(request: Request) -> dict[str, bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + request.header("Content-Type").encode() + b"\r\n\r\n" + request.body
    )
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            parts[name] = part.get_payload(decode=True) or b""
    return parts


@dataclass
class FakeX:
    server: FakeServer = field(default_factory=FakeServer)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    refresh_tokens: set[str] = field(default_factory=lambda: {REFRESH_TOKEN})
    # The scopes each token (access or refresh) was granted; a token not listed has them all.
    scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    credits: int | None = None  # pay-per-use credits left (None: unlimited); each billed request uses one
    usage_capped: bool = False  # the app reached its monthly usage cap
    rate_limit_reset: int | None = None  # epoch seconds: POST /2/tweets is over its 15-minute window until then
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    processing_polls: int = 2  # STATUS answers "in_progress" this many times before "succeeded"
    fail_processing: bool = False
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1_880_028_106_020_515_840))

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", r"/2/tweets")(self.create_post)
        route("DELETE", r"/2/tweets/(?P<id>\d+)")(self.delete_post)
        route("POST", r"/2/media/upload")(self.upload_media)
        route("GET", r"/2/media/upload")(self.media_status)
        route("POST", r"/2/media/upload/initialize")(self.initialize)
        route("POST", r"/2/media/upload/(?P<id>\d+)/append")(self.append)
        route("POST", r"/2/media/upload/(?P<id>\d+)/finalize")(self.finalize)
        route("GET", r"/2/users/me")(self.me)
        route("GET", r"/2/users/(?P<id>\d+)/tweets")(self.timeline)
        route("POST", r"/2/oauth2/token")(self.token)

    def __enter__(self) -> FakeX:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def check(self, request: Request, *needed: str, billed: bool = False) -> Reply | None:
        auth = request.header("Authorization")
        token = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or token not in self.tokens:
            return problem(401, "Unauthorized", "Unauthorized")
        if not set(needed) <= self.scopes.get(token, FULL_SCOPES):
            return problem(403, "Forbidden", "Forbidden")
        if self.usage_capped:
            return Reply(
                429,
                {
                    "account_id": 1_634_812_345,
                    "product_name": "standard-basic",
                    "title": "UsageCapExceeded",
                    "period": "Monthly",
                    "scope": "Product",
                    "detail": "Usage cap exceeded: Monthly product cap",
                    "type": USAGE_CAPPED,
                },
            )
        if billed and self.credits is not None:
            if self.credits <= 0:
                return problem(
                    402,
                    "Payment Required",
                    "Your enrolled account does not have any credits to fulfill this request.",
                )
            self.credits -= 1
        return None

    def next_id(self) -> str:
        return str(next(self.counter))

    # -- posts
    def create_post(self, request: Request) -> Reply:
        if refused := self.check(request, "tweet.read", "tweet.write", "users.read", billed=True):
            return refused
        if self.rate_limit_reset is not None:
            return Reply(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                headers={
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(self.rate_limit_reset),
                },
            )
        body = request.json() or {}
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return invalid("Post text or media is required.")
        if len(text) > 280:
            return problem(403, "Forbidden", "You are not permitted to create a Tweet with text longer than 280 characters.")
        for media_id in media_ids:
            item = self.media.get(media_id)
            if item is None or item["state"] != "succeeded":
                return invalid(f"Your media IDs are invalid: {media_id}")
        if len(media_ids) > 4:
            return invalid("Your media IDs are invalid.")
        stored = html.escape(re.sub(r"https?://\S+", "https://t.co/AbCdEf", text), quote=False)
        if media_ids:
            stored = f"{stored} https://t.co/MeDiA"
        if any(post["text"] == stored for post in self.posts.values()):
            return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        post_id = self.next_id()
        self.posts[post_id] = {"id": post_id, "text": stored, "edit_history_tweet_ids": [post_id], "media_ids": media_ids}
        return Reply(201, {"data": {"id": post_id, "text": stored, "edit_history_tweet_ids": [post_id]}})

    def delete_post(self, request: Request) -> Reply:
        if refused := self.check(request, "tweet.read", "tweet.write", "users.read", billed=True):
            return refused
        post_id = request.match.group("id") if request.match else ""
        if self.posts.pop(post_id, None) is None:
            return problem(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{post_id}].",
                type_="https://api.twitter.com/2/problems/resource-not-found",
            )
        return Reply(200, {"data": {"deleted": True}})

    # -- media
    def upload_media(self, request: Request) -> Reply:
        if refused := self.check(request, "media.write", billed=True):
            return refused
        # "The media field carries the file content base64-encoded in JSON bodies (raw bytes in multipart bodies)"
        if request.header("Content-Type").startswith("multipart/form-data"):
            parts = parse_multipart(request)
            body: dict[str, Any] = {key: value.decode(errors="replace") for key, value in parts.items() if key != "media"}
            data = parts.get("media", b"")
        else:
            body = request.json() or {}
            try:
                data = base64.b64decode(body.get("media") or "", validate=True)
            except (binascii.Error, ValueError):
                return invalid("media must be base64-encoded")
        if body.get("media_category") not in ("tweet_image", "dm_image", "subtitles"):
            return invalid("media_category must be one of tweet_image, dm_image, subtitles")
        if not data:
            return invalid("media is required")
        media_id = self.next_id()
        self.media[media_id] = {"data": data, "type": body.get("media_type"), "category": "tweet_image", "state": "succeeded"}
        return Reply(
            200, {"data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(data), "expires_after_secs": 86400}}
        )

    def initialize(self, request: Request) -> Reply:
        if refused := self.check(request, "media.write", billed=True):
            return refused
        body = request.json() or {}
        if not body.get("media_type") or not isinstance(body.get("total_bytes"), int):
            return invalid("media_type and total_bytes are required")
        media_id = self.next_id()
        self.media[media_id] = {
            "type": body["media_type"],
            "category": body.get("media_category"),
            "total": body["total_bytes"],
            "segments": {},
            "state": "initialized",
            "polls": 0,
        }
        return Reply(200, {"data": {"id": media_id, "media_key": f"7_{media_id}", "expires_after_secs": 86400}})

    def append(self, request: Request) -> Reply:
        if refused := self.check(request, "media.write"):
            return refused
        item = self.media.get(request.match.group("id") if request.match else "")
        if item is None or item["state"] != "initialized":
            return invalid("Unknown media id")
        if not request.header("Content-Type").startswith("multipart/form-data"):
            return invalid("APPEND takes multipart/form-data")
        parts = parse_multipart(request)
        if "media" not in parts or "segment_index" not in parts:
            return invalid("media and segment_index are required")
        item["segments"][int(parts["segment_index"])] = parts["media"]
        return Reply(200, {"meta": {}})

    def finalize(self, request: Request) -> Reply:
        if refused := self.check(request, "media.write"):
            return refused
        media_id = request.match.group("id") if request.match else ""
        item = self.media.get(media_id)
        if item is None or item["state"] != "initialized":
            return invalid("Unknown media id")
        data = b"".join(item["segments"][index] for index in sorted(item["segments"]))
        if len(data) != item["total"]:
            return invalid(f"File size mismatch: got {len(data)} of {item['total']} bytes")
        item["data"] = data
        item["state"] = "pending"
        return Reply(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"7_{media_id}",
                    "size": len(data),
                    "processing_info": {"state": "pending", "check_after_secs": 1},
                }
            },
        )

    def media_status(self, request: Request) -> Reply:
        if refused := self.check(request, "media.write"):
            return refused
        if request.query.get("command") != ["STATUS"]:
            return invalid("command must be STATUS")
        media_id = (request.query.get("media_id") or [""])[0]
        item = self.media.get(media_id)
        if item is None:
            return invalid("Unknown media id")
        item["polls"] = item.get("polls", 0) + 1
        if self.fail_processing:
            item["state"] = "failed"
            info: dict[str, Any] = {
                "state": "failed",
                "progress_percent": 12,
                "error": {"code": 1, "name": "InvalidMedia", "message": "Unsupported video format"},
            }
        elif item["polls"] <= self.processing_polls:
            item["state"] = "in_progress"
            info = {"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
        else:
            item["state"] = "succeeded"
            info = {"state": "succeeded", "progress_percent": 100}
        return Reply(200, {"data": {"id": media_id, "media_key": f"7_{media_id}", "processing_info": info}})

    # -- users
    def me(self, request: Request) -> Reply:
        if refused := self.check(request, "tweet.read", "users.read", billed=True):
            return refused
        return Reply(200, {"data": {"id": USER_ID, "name": "Kopi Kita", "username": USERNAME}})

    def timeline(self, request: Request) -> Reply:
        if refused := self.check(request, "tweet.read", "users.read", billed=True):
            return refused
        if (request.match.group("id") if request.match else "") != USER_ID:
            return problem(403, "Forbidden", "Sorry, you are not authorized to see this timeline.")
        count = int((request.query.get("max_results") or ["10"])[0])
        if not 5 <= count <= 100:
            return invalid("max_results must be between 5 and 100")
        posts = [{"id": p["id"], "text": p["text"], "edit_history_tweet_ids": [p["id"]]} for p in reversed(self.posts.values())]
        posts = posts[:count]
        meta = {"result_count": len(posts)}
        return Reply(200, {"data": posts, "meta": meta} if posts else {"meta": meta})

    # -- OAuth 2.0
    def expire_access_tokens(self) -> None:
        """The access tokens' two hours are over: every call with one answers 401 until a refresh."""
        self.tokens.clear()

    def token(self, request: Request) -> Reply:
        """OAuth 2.0 refresh (https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code, read
        2026-12-08): an access token lives two hours (``expires_in: 7200``) unless ``offline.access`` brought a
        refresh token; each refresh returns a new refresh token and the used one is no longer valid."""
        form = {key: values[0] for key, values in request.form().items()}
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.header("Authorization") and request.header("Authorization") != expected:
            return Reply(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"})
        if form.get("client_id") != CLIENT_ID:
            return Reply(400, {"error": "invalid_request", "error_description": "Missing required parameter [client_id]."})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.refresh_tokens:
            return Reply(400, {"error": "invalid_request", "error_description": "Value passed for the token was invalid."})
        # X rotates refresh tokens: the one used stops working.
        self.refresh_tokens.discard(form["refresh_token"])
        access, refresh = f"x-access-{self.next_id()}", f"x-refresh-{self.next_id()}"
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        granted = self.scopes.get(form["refresh_token"], FULL_SCOPES)  # a refresh keeps the grant's scopes
        self.scopes[access] = self.scopes[refresh] = granted
        return Reply(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": " ".join(sorted(granted)),
                "refresh_token": refresh,
            },
        )
