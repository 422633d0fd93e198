"""YouTube through the YouTube Data API v3: one video per post, sent with the resumable upload protocol.

Followed documents:

* videos.insert: https://developers.google.com/youtube/v3/docs/videos/insert
* Resumable uploads: https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
* videos.delete: https://developers.google.com/youtube/v3/docs/videos/delete
* channels.list: https://developers.google.com/youtube/v3/docs/channels/list
* Errors: https://developers.google.com/youtube/v3/docs/errors
* Quota: https://developers.google.com/youtube/v3/determine_quota_cost (read 2026-12-08): ``videos.insert`` has
  its own bucket of 100 calls a day per Google Cloud project (1 per call, invalid calls too), separate from the
  10,000 units of the other methods; daily quotas reset at midnight Pacific Time. The bucket belongs to the
  project, not to a channel: every account whose OAuth client is of the same project shares it
  (:meth:`YouTubeConnector.shared_quota`, keyed by the OAuth client ID; a project with a granted extension sets
  ``videos_insert_quota``). Over it YouTube answers 403 ``quotaExceeded``.
* Refreshing a token: https://developers.google.com/identity/protocols/oauth2/web-server#offline

The upload, step by step as documented:

1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the video resource as
   JSON and ``X-Upload-Content-Length`` / ``X-Upload-Content-Type``; the session URL comes back in ``Location``.
2. ``PUT <session URL>`` with the bytes; ``200``/``201`` answers with the new video resource.
3. When the ``PUT`` breaks off (timeout, dropped connection, 5xx) the guide's recovery is used: ``PUT`` with
   ``Content-Range: bytes */<size>`` asks for the status; ``200``/``201`` means the video exists, ``308``
   with ``Range: bytes=0-<n>`` means resume from byte n+1. Until step 2 completes there is no video, so a
   session that cannot be resumed is safe to start again.

Not supported, and why:

* Finding a post after an unknown outcome (``can_find`` is False): the only lookup by content is
  ``search.list?forMine=true``, which is eventually consistent (a fresh upload can be missing for a while)
  and matches titles, not a key; a wrong "not there" would upload the video twice. Instead ``publish``
  reconciles the upload itself through the resumable session, which is exact.
* Scheduling on YouTube's side is used only when ``publish_at`` is still in the future: the video is
  uploaded private with ``status.publishAt`` (YouTube requires private for a scheduled video).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
    SharedQuota,
    TokenSet,
    TransientError,
    gettext_noop,
    parse_retry_after,
)

DOCS = "https://developers.google.com/youtube/v3/docs/videos/insert"
UPLOAD_DOCS = "https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol"
QUOTA_DOCS = "https://developers.google.com/youtube/v3/determine_quota_cost"

# Error reasons (https://developers.google.com/youtube/v3/docs/errors).
AUTH_REASONS = frozenset({"authError", "invalidCredentials", "insufficientPermissions", "unauthorized"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
UPLOAD_LIMIT_REASONS = frozenset({"uploadLimitExceeded"})  # per-channel uploads in 24 hours: "try again in 24 hours"

QUOTA_TIMEZONE = "America/Los_Angeles"  # "Daily quotas reset at midnight Pacific Time (PT)"
PACIFIC = ZoneInfo(QUOTA_TIMEZONE)
VIDEOS_INSERT_QUOTA = 100  # videos.insert calls a day per Google Cloud project (its own bucket)
TITLE_LIMIT = 100  # characters (videos resource: snippet.title)
DESCRIPTION_LIMIT = 5000  # bytes (snippet.description)
TAGS_LIMIT = 500  # characters over all tags (snippet.tags[])


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    """The daily quota resets at midnight Pacific Time (quota cost page)."""
    current = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (midnight - current).total_seconds())


def _clean(text: str) -> str:
    """YouTube refuses ``<`` and ``>`` in titles and descriptions (invalidTitle / invalidDescription)."""
    return text.replace("<", "‹").replace(">", "›")


def _truncate_bytes(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def _tags(hashtags: tuple[str, ...]) -> list[str]:
    """Hashtags as tags, as many as fit the 500-character total (a tag with a space counts its quotes)."""
    tags: list[str] = []
    used = 0
    for raw in hashtags:
        tag = _clean(raw.lstrip("#").strip())
        if not tag or tag in tags:
            continue
        cost = len(tag) + (2 if " " in tag else 0) + (1 if tags else 0)
        if used + cost > TAGS_LIMIT:
            break
        tags.append(tag)
        used += cost
    return tags


class YouTubeConnector(Connector):
    key = "youtube"
    label = "YouTube"
    capabilities = Capabilities(
        media_types=frozenset({"video"}),
        max_media=1,
        max_text=DESCRIPTION_LIMIT,
        can_delete=True,
        can_find=False,
        idempotency_key=False,
        refreshes_tokens=True,
        # No per-account limit: videos.insert draws on the project's own bucket of 100 calls a day, shared by
        # every channel the project uploads for (see shared_quota).
        rate_limits=(),
        docs=f"{DOCS} ; {UPLOAD_DOCS}",
    )
    fields = (
        ("access_token", gettext_noop("Access token"), True, True),
        ("refresh_token", gettext_noop("Refresh token"), True, False),
        ("client_id", gettext_noop("OAuth client ID"), True, False),
        ("client_secret", gettext_noop("OAuth client secret"), True, False),
        ("privacy_status", gettext_noop("Visibility: public, unlisted or private"), False, False),
        ("category_id", gettext_noop("Video category ID (22 = People & Blogs)"), False, False),
        (
            "videos_insert_quota",
            gettext_noop("Daily upload quota of the Google Cloud project (videos.insert calls; 100 unless Google raised it)"),
            False,
            False,
        ),
    )

    UPLOAD_CHUNK = 8 * 1024 * 1024  # bytes read at a time while streaming the file
    MAX_RESUMES = 3

    # -- plumbing
    def _url(self, path: str) -> str:
        return str(self.account.setting("base_url", "https://www.googleapis.com")).rstrip("/") + path

    def _auth(self) -> dict[str, str]:
        token = self.account.secret("access_token")
        if not token:
            raise AuthError("The YouTube account has no access token. Reconnect the account.")
        return {"Authorization": f"Bearer {token}"}

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self._error_for(response)

    def _error_for(self, response: httpx.Response) -> ConnectorError:
        status = response.status_code
        answer = _json(response)
        error = answer.get("error")
        message = self.error_message(response)
        reasons: set[str] = set()
        if isinstance(error, dict):
            message = str(error.get("message") or message)
            reasons = {str(item.get("reason")) for item in error.get("errors") or [] if isinstance(item, dict)}
        elif isinstance(error, str):  # the OAuth token endpoint: {"error", "error_description"}
            message = str(answer.get("error_description") or error)
            reasons = {error}
        detail = f"HTTP {status} {sorted(reasons)}: {response.text[:1500]}"
        retry_after = parse_retry_after(response.headers.get("Retry-After"))

        if reasons & QUOTA_REASONS:
            return RateLimited(
                "The Google Cloud project's daily YouTube quota is used up (uploads share one bucket for every "
                f"channel of the project); Alur tries again after it resets at midnight Pacific Time. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after if retry_after is not None else seconds_until_quota_reset(),
            )
        if reasons & UPLOAD_LIMIT_REASONS:
            return RateLimited(
                f"This channel reached YouTube's upload limit for the day; Alur tries again in 24 hours. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after if retry_after is not None else 86400.0,
            )
        if reasons & RATE_REASONS or status == 429:
            return RateLimited(
                f"YouTube's rate limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after if retry_after is not None else 60.0,
            )
        if status == 401 or reasons & AUTH_REASONS or "invalid_grant" in reasons:
            return AuthError(
                f"YouTube refused the account's token: {message}. Reconnect the account.",
                status=status,
                detail=detail,
                revoked="invalid_grant" in reasons,
            )
        if status == 408 or status >= 500:
            return TransientError(f"YouTube had a temporary error ({status}); Alur will try again.", status=status, detail=detail)
        return PermanentError(f"YouTube refused the video: {message}", status=status, detail=detail)

    def shared_quota(self) -> SharedQuota:
        """The project's videos.insert bucket: the OAuth client ID names the Google Cloud project it belongs to."""
        try:
            count = int(self.account.setting("videos_insert_quota", "") or VIDEOS_INSERT_QUOTA)
        except (TypeError, ValueError):
            count = VIDEOS_INSERT_QUOTA
        client_id = self.account.secret("client_id")
        # Without a client ID the project is unknown: the account then counts only its own uploads.
        group = f"youtube:{client_id}" if client_id else ""
        return SharedQuota(group, max(1, count), QUOTA_TIMEZONE, source=QUOTA_DOCS)

    # -- the contract
    def test_connection(self) -> str:
        response = self.request(
            "GET", self._url("/youtube/v3/channels"), params={"part": "snippet", "mine": "true"}, headers=self._auth()
        )
        items = _json(response).get("items") or []
        if not items:
            raise PermanentError("This Google account has no YouTube channel; create one on YouTube first.")
        return str(items[0].get("snippet", {}).get("title") or items[0].get("id") or "YouTube")

    def publish(self, payload: Payload) -> Published:
        videos = [m for m in payload.media if m.kind == "video"]
        if len(payload.media) != 1 or len(videos) != 1:
            raise PermanentError("A YouTube post needs exactly one video and nothing else.")
        video = videos[0]
        if not video.path:
            raise PermanentError("Alur has no copy of this video to upload to YouTube.")
        size = os.path.getsize(video.path)
        if size <= 0:
            raise PermanentError("The video file is empty.")
        mime_type = video.mime_type or "application/octet-stream"

        session_url = self._start_session(self._resource(payload, video), size, mime_type)
        resource = self._upload(session_url, video, size, mime_type)
        video_id = str(resource.get("id") or "")
        if not video_id:
            raise OutcomeUnknown("YouTube finished the upload without naming the video.", detail=repr(resource)[:2000])
        upload_status = str(resource.get("status", {}).get("uploadStatus") or "")
        if upload_status in ("rejected", "failed"):
            reason = resource.get("status", {}).get("rejectionReason") or resource.get("status", {}).get("failureReason")
            raise PermanentError(f"YouTube refused the video: {reason or upload_status}", detail=repr(resource)[:2000])
        return Published(video_id, f"https://www.youtube.com/watch?v={video_id}", resource)

    def _resource(self, payload: Payload, video: MediaFile) -> dict[str, Any]:
        first_line = next((line.strip() for line in payload.text.splitlines() if line.strip()), "")
        title = _clean(payload.title.strip() or first_line or os.path.splitext(video.name)[0])[:TITLE_LIMIT]
        description = payload.body()
        if payload.link and payload.link not in description:
            description = f"{description}\n\n{payload.link}" if description else payload.link
        snippet: dict[str, Any] = {
            "title": title,
            "description": _truncate_bytes(_clean(description), DESCRIPTION_LIMIT),
            "categoryId": str(self.account.setting("category_id", "22") or "22"),
        }
        tags = _tags(payload.hashtags)
        if tags:
            snippet["tags"] = tags
        status: dict[str, Any] = {"privacyStatus": str(self.account.setting("privacy_status", "public") or "public")}
        if payload.publish_at and payload.publish_at > datetime.now(UTC) + timedelta(minutes=1):
            # A scheduled video must be private until publishAt (videos resource: status.publishAt).
            status = {
                "privacyStatus": "private",
                "publishAt": payload.publish_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            }
        return {"snippet": snippet, "status": status}

    def _start_session(self, resource: dict[str, Any], size: int, mime_type: str) -> str:
        response = self.request(
            "POST",
            self._url("/upload/youtube/v3/videos"),
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=resource,
            headers={
                **self._auth(),
                "Content-Type": "application/json; charset=UTF-8",
                "X-Upload-Content-Length": str(size),
                "X-Upload-Content-Type": mime_type,
            },
        )
        location = response.headers.get("Location")
        if not location:
            raise TransientError("YouTube did not open an upload session; Alur will try again.", detail=response.text[:1500])
        return location

    def _upload(self, session_url: str, video: MediaFile, size: int, mime_type: str) -> dict[str, Any]:
        """Send the bytes; on a broken transfer, ask the session how far it got and resume (bounded)."""
        offset = 0
        for attempt in range(self.MAX_RESUMES + 1):
            headers = {**self._auth(), "Content-Type": mime_type, "Content-Length": str(size - offset)}
            if offset:
                headers["Content-Range"] = f"bytes {offset}-{size - 1}/{size}"
            try:
                response = self.request("PUT", session_url, content=self._read_from(video.path, offset), headers=headers)
            except (OutcomeUnknown, TransientError) as error:
                if isinstance(error, RateLimited) or attempt == self.MAX_RESUMES:
                    raise
                done, offset = self._upload_status(session_url, size)
                if done is not None:
                    return done
                continue
            if response.status_code in (200, 201):
                return _json(response)
            if response.status_code == 308:  # the server kept part of it: resume from what it has
                offset = _next_offset(response)
                continue
            raise TransientError(f"YouTube answered the upload with {response.status_code}; Alur will try again.")
        raise OutcomeUnknown(
            "The video upload to YouTube kept breaking off; Alur checks before trying again.", detail=session_url
        )

    def _upload_status(self, session_url: str, size: int) -> tuple[dict[str, Any] | None, int]:
        """The guide's status check: ``(video resource, 0)`` when complete, else ``(None, next byte to send)``."""
        try:
            response = self.request(
                "PUT",
                session_url,
                content=b"",
                headers={**self._auth(), "Content-Length": "0", "Content-Range": f"bytes */{size}"},
            )
        except PermanentError as error:
            if error.status in (404, 410):
                # The session expired before the upload completed, so no video was created: start again.
                raise TransientError("YouTube's upload session expired; Alur will upload again.", detail=error.detail) from error
            raise
        if response.status_code in (200, 201):
            return _json(response), 0
        return None, _next_offset(response)

    def _read_from(self, path: str, offset: int) -> Iterator[bytes]:
        with open(path, "rb") as handle:
            handle.seek(offset)
            while chunk := handle.read(self.UPLOAD_CHUNK):
                yield chunk

    def delete(self, external_id: str) -> None:
        try:
            self.request("DELETE", self._url("/youtube/v3/videos"), params={"id": external_id}, headers=self._auth())
        except PermanentError as error:
            if error.status == 404 and not isinstance(error, AuthError):
                return  # already gone: the rollback's goal is met
            raise

    def refresh(self) -> TokenSet:
        refresh_token = self.account.secret("refresh_token")
        if not refresh_token:
            raise AuthError("The YouTube account has no refresh token. Reconnect the account.")
        response = self.request(
            "POST",
            str(self.account.setting("token_url", "https://oauth2.googleapis.com/token")),
            data={
                "client_id": self.account.secret("client_id"),
                "client_secret": self.account.secret("client_secret"),
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
        answer = _json(response)
        access_token = str(answer.get("access_token") or "")
        if not access_token:
            raise TransientError("Google answered the token refresh without a token; Alur will try again.", detail=response.text)
        expires_in = answer.get("expires_in")
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None
        # Google usually sends no new refresh token: "" tells the caller to keep the one it has.
        return TokenSet(access_token, str(answer.get("refresh_token") or ""), expires_at, int(expires_in) if expires_in else None)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _next_offset(response: httpx.Response) -> int:
    """From a 308's ``Range: bytes=0-<last>``: the next byte to send (0 when the server has nothing)."""
    value = response.headers.get("Range", "")
    _, _, last = value.partition("-")
    return int(last) + 1 if last.strip().isdigit() else 0
