"""A fake of Meta's Graph API for a Facebook Page and an Instagram professional account.

Speaks the documented contract of https://developers.facebook.com/docs/pages-api/posts (feed, photos with
``published=false`` and ``attached_media``, videos, delete), https://developers.facebook.com/docs/instagram-platform/content-publishing/
(containers, ``status_code``, ``media_publish``, ``content_publishing_limit``), the error envelope of
https://developers.facebook.com/docs/graph-api/guides/error-handling and the token exchange of
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived.

Instagram, as read on 2026-12-07:

* https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media — JPEG is
  the only image format the API takes (a PNG ``image_url`` is refused); a carousel holds 2 to 10 children.
* https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container — every
  container (image, video, carousel) has a ``status_code`` that must be ``FINISHED`` before ``media_publish``;
  until then ``media_publish`` answers code 9007 subcode 2207027 "media is not ready". Image containers here
  report :attr:`MetaFake.image_statuses` in turn (IN_PROGRESS first, as a real upload does).
* https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes — the
  retryable errors are codes -1 (2207001 server error, 2207032 create failed) and -2 (2207003 download timeout).

Requests carry the token as ``Authorization: Bearer`` or as the ``access_token`` parameter; parameters come as
form fields (POST) or in the query string (GET, DELETE). Paths are ``/<version>/<node or edge>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .server import FakeServer, Reply, Request

VERSION = "v23.0"
TOKEN = "EAAGpage-token"
LONG_LIVED_TOKEN = "EAAGlong-lived-token"
APP_ID = "1234567890"
APP_SECRET = "app-secret"
PAGE_ID = "104857600000001"
PAGE_NAME = "Kopi Nusantara"
IG_USER_ID = "17841400000000001"
IG_USERNAME = "kopi.nusantara"
IG_PUBLISH_LIMIT_SUBCODE = 2207042  # "maximum number of posts that can be published in 24 hours"


def graph_error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    kind: str = "OAuthException",
    user_msg: str = "",
    is_transient: bool = False,
    headers: dict[str, str] | None = None,
) -> Reply:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if user_msg:
        error["error_user_msg"] = user_msg
    if is_transient:
        error["is_transient"] = True
    return Reply(status, {"error": error}, headers=headers or {})


def expired_token() -> Reply:
    return graph_error(
        400,
        190,
        "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT.",
        subcode=463,
    )


def invalid_parameter(message: str = "Invalid parameter") -> Reply:
    return graph_error(400, 100, message)


def now_graph() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class MetaFake:
    server: FakeServer = field(default_factory=FakeServer)
    token: str = TOKEN
    token_reply: Reply | None = None  # answer every authenticated call with this (e.g. an expired token)
    errors: dict[str, Reply] = field(default_factory=dict)  # edge name ("feed", "media_publish", ...) → forced answer
    # Statuses a video container walks through on each status read (the last one repeats).
    video_statuses: list[str] = field(default_factory=lambda: ["IN_PROGRESS", "FINISHED"])
    # Statuses an image (or image-only carousel) container walks through (the last one repeats).
    image_statuses: list[str] = field(default_factory=lambda: ["IN_PROGRESS", "FINISHED"])
    quota_usage: int = 0
    quota_total: int = 100
    # State
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)  # Page feed posts by id
    photos: dict[str, dict[str, Any]] = field(default_factory=dict)  # Page photos by id
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)  # published Instagram media
    counter: int = 0

    def __post_init__(self) -> None:
        route = self.server.route
        v = rf"/{VERSION}"
        route("GET", rf"{v}/oauth/access_token")(self.exchange_token)
        route("POST", rf"{v}/(?P<page>[^/]+)/feed")(self.create_feed_post)
        route("GET", rf"{v}/(?P<page>[^/]+)/feed")(self.read_feed)
        route("POST", rf"{v}/(?P<page>[^/]+)/photos")(self.create_photo)
        route("POST", rf"{v}/(?P<page>[^/]+)/videos")(self.create_video)
        route("POST", rf"{v}/(?P<user>[^/]+)/media")(self.create_container)
        route("GET", rf"{v}/(?P<user>[^/]+)/media")(self.read_media)
        route("POST", rf"{v}/(?P<user>[^/]+)/media_publish")(self.publish_container)
        route("GET", rf"{v}/(?P<user>[^/]+)/content_publishing_limit")(self.publishing_limit)
        route("GET", rf"{v}/(?P<node>[^/]+)")(self.read_node)
        route("DELETE", rf"{v}/(?P<node>[^/]+)")(self.delete_node)

    def __enter__(self) -> MetaFake:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    # -- helpers
    def _next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:04d}"

    @staticmethod
    def params(request: Request) -> dict[str, str]:
        values = {name: items[0] for name, items in request.query.items()}
        if request.body:
            values.update({name: items[0] for name, items in request.form().items()})
        return values

    def _denied(self, request: Request) -> Reply | None:
        params = self.params(request)
        header = request.header("Authorization")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else params.get("access_token", "")
        if not token:
            return graph_error(400, 2500, "An active access token must be used to query information about the current user.")
        if self.token_reply is not None:
            return self.token_reply
        if token != self.token:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        proof = params.get("appsecret_proof")
        if proof is not None and proof != hmac.new(APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest():
            return graph_error(400, 100, "Invalid appsecret_proof provided in the API argument", kind="GraphMethodException")
        return None

    def _check(self, request: Request, edge: str) -> Reply | None:
        if denied := self._denied(request):
            return denied
        return self.errors.get(edge)

    @staticmethod
    def _is_url(value: str | None) -> bool:
        return bool(value) and str(value).startswith(("http://", "https://"))

    # -- Facebook Page
    def create_feed_post(self, request: Request) -> Reply:
        if failed := self._check(request, "feed"):
            return failed
        assert request.match is not None
        if request.match["page"] != PAGE_ID:
            return graph_error(400, 100, "Unsupported post request.", subcode=33, kind="GraphMethodException")
        params = self.params(request)
        attached = [value for name, value in sorted(params.items()) if name.startswith("attached_media[")]
        photo_ids = []
        for value in attached:
            try:
                fbid = str(json.loads(value)["media_fbid"])
            except (ValueError, KeyError, TypeError):
                return invalid_parameter('(#100) attached_media must be {"media_fbid": ...}')
            if fbid not in self.photos or self.photos[fbid]["published"]:
                return invalid_parameter(f"(#100) media_fbid {fbid} is not an unpublished photo of this Page")
            photo_ids.append(fbid)
        message, link = params.get("message", ""), params.get("link", "")
        if not (message or link or photo_ids):
            return invalid_parameter("(#100) The post is empty. Please enter a message to share.")
        if link and not self._is_url(link):
            return graph_error(400, 1609005, "Error posting link: the link could not be scraped.")
        post_id = f"{PAGE_ID}_{self._next_id('9000')}"
        self.posts[post_id] = {
            "id": post_id,
            "message": message,
            "link": link,
            "photos": photo_ids,
            "created_time": now_graph(),
        }
        return Reply(200, {"id": post_id})

    def create_photo(self, request: Request) -> Reply:
        if failed := self._check(request, "photos"):
            return failed
        params = self.params(request)
        if not self._is_url(params.get("url")):
            return invalid_parameter("(#100) Requires one of the params: url, source")
        if "broken" in params["url"]:
            return graph_error(400, 324, "(#324) Missing or invalid image file", kind="OAuthException")
        photo_id = self._next_id("5000")
        published = params.get("published", "true").lower() != "false"
        self.photos[photo_id] = {"id": photo_id, "url": params["url"], "published": published}
        if not published:
            return Reply(200, {"id": photo_id})
        post_id = f"{PAGE_ID}_{photo_id}"
        self.posts[post_id] = {
            "id": post_id,
            "message": params.get("caption", ""),
            "photos": [photo_id],
            "created_time": now_graph(),
        }
        return Reply(200, {"id": photo_id, "post_id": post_id})

    def create_video(self, request: Request) -> Reply:
        if failed := self._check(request, "videos"):
            return failed
        params = self.params(request)
        if not self._is_url(params.get("file_url")):
            return invalid_parameter("(#100) Requires one of the params: file_url, source, upload_phase")
        video_id = self._next_id("7000")
        self.videos[video_id] = params
        self.posts[f"{PAGE_ID}_{video_id}"] = {
            "id": f"{PAGE_ID}_{video_id}",
            "message": params.get("description", ""),
            "created_time": now_graph(),
        }
        return Reply(200, {"id": video_id})

    def read_feed(self, request: Request) -> Reply:
        if failed := self._check(request, "read_feed"):
            return failed
        params = self.params(request)
        fields = params.get("fields", "id,created_time").split(",")
        limit = int(params.get("limit", "25"))
        newest = sorted(self.posts.values(), key=lambda post: (post["created_time"], post["id"]), reverse=True)[:limit]
        data = [{name: post[name] for name in fields if name in post and (name != "message" or post[name])} for post in newest]
        return Reply(200, {"data": data, "paging": {}})

    # -- Instagram
    def create_container(self, request: Request) -> Reply:
        if failed := self._check(request, "media"):
            return failed
        assert request.match is not None
        if request.match["user"] != IG_USER_ID:
            return graph_error(400, 100, "Unsupported post request.", subcode=33, kind="GraphMethodException")
        params = self.params(request)
        media_type = params.get("media_type", "")
        carousel_item = params.get("is_carousel_item", "").lower() == "true"
        container: dict[str, Any] = {"params": params, "polls": 0, "published": False}
        if media_type == "CAROUSEL":
            children = [child for child in params.get("children", "").split(",") if child]
            if not 2 <= len(children) <= 10:
                return invalid_parameter("(#100) A carousel needs between 2 and 10 children.")
            for child in children:
                item = self.containers.get(child)
                if item is None or not item["params"].get("is_carousel_item"):
                    return invalid_parameter(f"(#100) {child} is not a carousel item container.")
                if self._status(item) != "FINISHED":
                    return graph_error(
                        400, 9007, "Media ID is not available", subcode=2207027, user_msg=f"The media {child} is not ready"
                    )
            container["kind"] = "carousel"
            container["video"] = any(self.containers[child]["kind"] == "video" for child in children)
        elif media_type in ("REELS", "VIDEO"):
            if media_type == "VIDEO" and not carousel_item:
                return invalid_parameter("(#100) The VIDEO media type is only for carousel items; use REELS.")
            if not self._is_url(params.get("video_url")):
                return invalid_parameter("(#100) The parameter video_url is required")
            container["kind"] = "video"
            container["video"] = True
        elif media_type == "":
            url = params.get("image_url")
            if not self._is_url(url):
                return invalid_parameter("(#100) The parameter image_url is required")
            if "broken" in str(url):
                return graph_error(
                    400,
                    9004,
                    "Media download has failed. The media URI doesn't meet our requirements.",
                    subcode=2207052,
                    user_msg="The media could not be fetched from this URI: " + str(url),
                )
            if not str(url).lower().split("?")[0].endswith((".jpg", ".jpeg")):
                return graph_error(
                    400,
                    9004,
                    "Only photo or video can be accepted as media type.",
                    subcode=2207052,
                    user_msg="The image format is not supported: only JPEG images can be published. " + str(url),
                )
            container["kind"] = "image"
            container["video"] = False
        else:
            return invalid_parameter(f"(#100) media_type {media_type} is not supported")
        if carousel_item and params.get("caption"):
            return invalid_parameter("(#100) Carousel items take no caption.")
        if len(params.get("caption", "")) > 2200:
            return invalid_parameter("(#100) The caption is too long.")
        container_id = self._next_id("1790")
        self.containers[container_id] = container
        return Reply(200, {"id": container_id})

    def _status(self, container: dict[str, Any]) -> str:
        if container["published"]:
            return "PUBLISHED"
        statuses = self.video_statuses if container["video"] else self.image_statuses
        return statuses[min(container["polls"], len(statuses) - 1)]

    def publish_container(self, request: Request) -> Reply:
        if failed := self._check(request, "media_publish"):
            return failed
        params = self.params(request)
        container = self.containers.get(params.get("creation_id", ""))
        if container is None:
            return invalid_parameter("(#100) The parameter creation_id is required")
        if container["params"].get("is_carousel_item"):
            return invalid_parameter("(#100) A carousel item cannot be published by itself.")
        if self._status(container) != "FINISHED":
            return graph_error(
                400,
                9007,
                "Media ID is not available",
                subcode=2207027,
                user_msg="The media is not ready for publishing, please wait for a moment",
            )
        if self.quota_usage >= self.quota_total:
            return graph_error(
                400,
                9,
                "Application request limit reached",
                subcode=IG_PUBLISH_LIMIT_SUBCODE,
                user_msg="The account has reached the maximum number of posts that can be published in 24 hours.",
            )
        container["published"] = True
        self.quota_usage += 1
        media_id = self._next_id("1800")
        self.media[media_id] = {
            "id": media_id,
            "caption": container["params"].get("caption", ""),
            "timestamp": now_graph(),
            "permalink": f"https://www.instagram.com/p/C{media_id}/",
            "container": params["creation_id"],
        }
        return Reply(200, {"id": media_id})

    def publishing_limit(self, request: Request) -> Reply:
        if failed := self._check(request, "content_publishing_limit"):
            return failed
        return Reply(
            200,
            {"data": [{"quota_usage": self.quota_usage, "config": {"quota_total": self.quota_total, "quota_duration": 86400}}]},
        )

    def read_media(self, request: Request) -> Reply:
        if failed := self._check(request, "read_media"):
            return failed
        params = self.params(request)
        fields = params.get("fields", "id").split(",")
        limit = int(params.get("limit", "25"))
        newest = sorted(self.media.values(), key=lambda item: (item["timestamp"], item["id"]), reverse=True)[:limit]
        return Reply(200, {"data": [{name: item[name] for name in fields if name in item} for item in newest], "paging": {}})

    # -- nodes
    def read_node(self, request: Request) -> Reply:
        assert request.match is not None
        node = request.match["node"]
        if failed := self._check(request, "permalink" if node in self.media else "node"):
            return failed
        fields = self.params(request).get("fields", "id").split(",")
        if node == PAGE_ID:
            return Reply(200, {"name": PAGE_NAME, "id": PAGE_ID})
        if node == IG_USER_ID:
            return Reply(200, {"username": IG_USERNAME, "id": IG_USER_ID})
        if node in self.containers:
            container = self.containers[node]
            status = self._status(container)
            container["polls"] += 1
            answer: dict[str, Any] = {"id": node}
            if "status_code" in fields:
                answer["status_code"] = status
            if "status" in fields:
                answer["status"] = "Error: Media upload has failed with error code 2207026" if status == "ERROR" else status
            return Reply(200, answer)
        if node in self.media:
            return Reply(200, {name: self.media[node][name] for name in ["id", *fields] if name in self.media[node]})
        return graph_error(
            400,
            100,
            f"Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded due to missing "
            "permissions, or does not support this operation.",
            subcode=33,
            kind="GraphMethodException",
        )

    def delete_node(self, request: Request) -> Reply:
        if failed := self._check(request, "delete"):
            return failed
        assert request.match is not None
        node = request.match["node"]
        if self.posts.pop(node, None) is None:
            return graph_error(
                400,
                100,
                f"Unsupported delete request. Object with ID '{node}' does not exist.",
                subcode=33,
                kind="GraphMethodException",
            )
        return Reply(200, {"success": True})

    # -- token exchange
    def exchange_token(self, request: Request) -> Reply:
        params = self.params(request)
        if params.get("grant_type") != "fb_exchange_token":
            return invalid_parameter("(#100) grant_type must be fb_exchange_token")
        if params.get("client_id") != APP_ID or params.get("client_secret") != APP_SECRET:
            return graph_error(400, 1, "Error validating client secret.")
        if params.get("fb_exchange_token") != self.token:
            return graph_error(400, 190, "Error validating access token: The session has been invalidated.", subcode=460)
        return Reply(200, {"access_token": LONG_LIVED_TOKEN, "token_type": "bearer", "expires_in": 5183944})
