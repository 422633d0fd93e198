"""A fake of the YouTube Data API v3 and Google's token endpoint, speaking the documented contract.

https://developers.google.com/youtube/v3/docs/videos/insert,
https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol (session, PUT, status
check with ``Content-Range: bytes */size`` → 308 ``Range``), videos.delete, channels.list, and the Google
error envelope ``{"error": {"code", "message", "errors": [{"reason", "domain", "message"}]}}``
(https://developers.google.com/youtube/v3/docs/errors).

Quota (https://developers.google.com/youtube/v3/determine_quota_cost, read 2026-12-08): ``videos.insert`` has its
own bucket of 100 calls a day per Google Cloud project, shared by every channel the project's OAuth client
uploads for; every call counts, invalid ones too, and the bucket resets at midnight Pacific Time. One fake is one
project: over the bucket, opening an upload session answers 403 with reason ``quotaExceeded``
(https://developers.google.com/youtube/v3/docs/errors: "The request cannot be completed because you have exceeded
your quota.").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .server import FakeServer, Reply, Request

TOKEN = "ya29.example-token"
VIDEOS_INSERT_QUOTA = 100  # calls a day per project (determine_quota_cost)
# videos.insert's ``part`` values (https://developers.google.com/youtube/v3/docs/videos/insert#parameters).
VIDEO_PARTS = frozenset(
    {
        "contentDetails",
        "fileDetails",
        "id",
        "liveStreamingDetails",
        "localizations",
        "paidProductPlacementDetails",
        "player",
        "processingDetails",
        "recordingDetails",
        "snippet",
        "statistics",
        "status",
        "suggestions",
        "topicDetails",
    }
)
REFRESH_TOKEN = "1//refresh-example"
CLIENT_ID = "123.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-secret"


def google_error(
    status: int, reason: str, message: str, headers: dict[str, str] | None = None, *, domain: str = "youtube"
) -> Reply:
    return Reply(
        status,
        {"error": {"code": status, "message": message, "errors": [{"message": message, "domain": domain, "reason": reason}]}},
        headers=headers or {},
    )


@dataclass
class Session:
    resource: dict[str, Any]
    size: int
    content_type: str
    received: bytearray = field(default_factory=bytearray)
    video_id: str = ""


@dataclass
class YouTubeFake:
    server: FakeServer = field(default_factory=FakeServer)
    sessions: dict[str, Session] = field(default_factory=dict)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: list[dict[str, Any]] = field(
        default_factory=lambda: [{"kind": "youtube#channel", "id": "UC123", "snippet": {"title": "Kopi Nusantara"}}]
    )
    insert_reply: Reply | None = None  # force an answer when a session is opened (errors)
    insert_quota: int = VIDEOS_INSERT_QUOTA  # the project's videos.insert bucket for the day
    insert_calls: int = 0  # videos.insert calls counted against it today
    # Transfer faults for the next byte PUT: keep only this many bytes, or keep all; either way the
    # answer comes too late for the client (a read timeout), as on a broken connection.
    keep_only_bytes: int | None = None
    answer_late: bool = False
    late_by: float = 1.0
    # Access tokens the fake accepts. Google's token endpoint gives each new one ``expires_in: 3599`` and does
    # not rotate the refresh token (https://developers.google.com/identity/protocols/oauth2/web-server#offline,
    # read 2026-12-08): the same refresh token keeps working. :meth:`expire_access_tokens` plays the hour passing.
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    refreshes: int = 0

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", "/upload/youtube/v3/videos")(self.start_session)
        # The session URL is the guide's: /upload/youtube/v3/videos?uploadType=resumable&upload_id=…&part=…
        route("PUT", "/upload/youtube/v3/videos")(self.put)
        route("DELETE", "/youtube/v3/videos")(self.delete)
        route("GET", "/youtube/v3/channels")(self.channels_list)
        route("POST", "/token")(self.token)

    def __enter__(self) -> YouTubeFake:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def expire_access_tokens(self) -> None:
        """The access tokens' hour is over: every call with one answers 401 until a refresh."""
        self.tokens.clear()

    def _unauthorized(self, request: Request) -> Reply | None:
        if request.header("Authorization").removeprefix("Bearer ") not in self.tokens:
            return google_error(401, "authError", "Invalid Credentials")
        return None

    # -- endpoints
    def start_session(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        if self.insert_calls >= self.insert_quota:
            return google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                domain="youtube.quota",
            )
        self.insert_calls += 1  # every call costs quota, an invalid one too
        if self.insert_reply is not None:
            return self.insert_reply
        if request.query.get("uploadType") != ["resumable"]:
            return google_error(400, "invalidParameter", "uploadType=resumable is required.")
        parts = (request.query.get("part") or [""])[0]
        if not parts or not set(parts.split(",")) <= VIDEO_PARTS:
            return google_error(
                400, "unexpectedPart", "The request specifies an unexpected value for the <code>part</code> parameter."
            )
        size = request.header("X-Upload-Content-Length")
        content_type = request.header("X-Upload-Content-Type")
        if not size.isdigit() or not (content_type.startswith("video/") or content_type == "application/octet-stream"):
            return google_error(400, "badContent", "X-Upload-Content-Length and a video X-Upload-Content-Type are required.")
        resource = request.json()
        title = resource.get("snippet", {}).get("title", "")
        if not title or len(title) > 100 or "<" in title or ">" in title:
            return google_error(400, "invalidTitle", "The request metadata specifies an invalid video title.")
        status = resource.get("status", {})
        if "publishAt" in status and status.get("privacyStatus") != "private":
            return google_error(400, "invalidVideoMetadata", "publishAt requires privacyStatus private.")
        session_id = f"s{len(self.sessions) + 1}"
        self.sessions[session_id] = Session(resource, int(size), content_type)
        location = f"{self.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session_id}&part={parts}"
        return Reply(200, b"", headers={"Location": location})

    def put(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        session = self.sessions.get((request.query.get("upload_id") or [""])[0])
        if session is None:
            return Reply(404, "session expired")
        content_range = request.header("Content-Range")
        if content_range == f"bytes */{session.size}":  # the status check
            if session.video_id:
                return Reply(201, self.videos[session.video_id])
            if not session.received:
                return Reply(308)
            return Reply(308, headers={"Range": f"bytes=0-{len(session.received) - 1}"})
        first = 0
        if content_range:
            span = content_range.removeprefix("bytes ").split("/")[0]
            first = int(span.split("-")[0])
        if first != len(session.received):
            return Reply(400, "resume from the byte after the last one received")
        if self.keep_only_bytes is not None:
            session.received.extend(request.body[: self.keep_only_bytes])
            self.keep_only_bytes = None
            return Reply(500, "lost", delay=self.late_by)
        reply = self._receive(session, request.body)
        if self.answer_late:
            self.answer_late = False
            reply.delay = self.late_by
        return reply

    def _receive(self, session: Session, body: bytes) -> Reply:
        session.received.extend(body)
        if len(session.received) < session.size:
            return Reply(308, headers={"Range": f"bytes=0-{len(session.received) - 1}"})
        video_id = f"vid{len(self.videos) + 1:08d}"
        session.video_id = video_id
        self.videos[video_id] = {
            "kind": "youtube#video",
            "id": video_id,
            "snippet": session.resource["snippet"],
            "status": {**session.resource["status"], "uploadStatus": "uploaded"},
        }
        return Reply(200, self.videos[video_id])

    def delete(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        video_id = request.query.get("id", [""])[0]
        if self.videos.pop(video_id, None) is None:
            return google_error(404, "videoNotFound", "The video that you are trying to delete cannot be found.")
        return Reply(204)

    def channels_list(self, request: Request) -> Reply:
        if denied := self._unauthorized(request):
            return denied
        if request.query.get("mine") != ["true"] or request.query.get("part") != ["snippet"]:
            return google_error(400, "missingRequiredParameter", "part and a filter are required.")
        return Reply(200, {"kind": "youtube#channelListResponse", "items": self.channels})

    def token(self, request: Request) -> Reply:
        form = {key: values[0] for key, values in request.form().items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Reply(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return Reply(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        self.refreshes += 1
        access = "ya29.fresh" if self.refreshes == 1 else f"ya29.fresh-{self.refreshes}"
        self.tokens.add(access)
        return Reply(
            200,
            {
                "access_token": access,
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/youtube.upload",
                "token_type": "Bearer",
            },
        )
