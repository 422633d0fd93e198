"""TikTok through the Content Posting API (Direct Post): one video, or a carousel of photos.

Followed documents:

* Direct Post (video): https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
* Photo post: https://developers.tiktok.com/doc/content-posting-api-reference-photo-post
* Query creator info: https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info
* Media transfer (chunks): https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
* Post status: https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
* Errors: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling
* Refresh: https://developers.tiktok.com/doc/oauth-user-access-token-management

The flow, step by step as documented:

1. ``POST /v2/post/publish/creator_info/query/`` — the creator's allowed privacy levels (the docs require
   the query before each post; Alur also uses it to stop early when the chosen level is not allowed).
   The privacy level, comments/duet/stitch and the commercial content disclosure are the person's explicit
   choices (account settings, all required; nothing is defaulted), sent as chosen, with what the creator has
   turned off in TikTok kept off. An app TikTok has not audited may post ``SELF_ONLY`` only
   (https://developers.tiktok.com/doc/content-sharing-guidelines), so Alur refuses another level unless the
   account says the app is audited.
2. Video: ``POST /v2/post/publish/video/init/`` with ``post_info`` and ``source_info`` — either
   ``PULL_FROM_URL`` (TikTok downloads ``video_url``; the domain must be verified for the app) or
   ``FILE_UPLOAD`` (``video_size``, ``chunk_size``, ``total_chunk_count``), then the bytes are ``PUT`` to the
   returned ``upload_url`` chunk by chunk with ``Content-Range``.
   Photos: ``POST /v2/post/publish/content/init/`` with ``media_type=PHOTO`` and ``photo_images`` URLs.
3. ``POST /v2/post/publish/status/fetch/`` with the ``publish_id`` until ``PUBLISH_COMPLETE`` (bounded by
   the ``status_timeout`` setting); ``FAILED`` carries a ``fail_reason``.

TikTok answers every call with ``{"data": ..., "error": {"code", "message", "log_id"}}``; ``code`` is ``"ok"``
on success and an error may come with HTTP 200, so every answer's ``error.code`` is read.

Not supported, and why:

* Deleting: the Content Posting API has no delete endpoint.
* Finding a post after an unknown outcome: the only lookup is the status fetch, and it needs the
  ``publish_id`` that the lost answer would have carried; TikTok takes no idempotency key either.
  ``can_find`` is therefore False and the scheduler never retries a post whose delivery is unknown.
* Text-only posts: TikTok posts are a video or photos.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

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
    RateLimit,
    RateLimited,
    TokenSet,
    TransientError,
    classify_status,
    gettext_noop,
    parse_retry_after,
)

DOCS = "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post"
PHOTO_DOCS = "https://developers.tiktok.com/doc/content-posting-api-reference-photo-post"
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
COMMERCIAL_CONTENT = ("none", "your_brand", "branded_content", "both")
YES = frozenset({"yes", "ya", "true", "1", "on"})
NO = frozenset({"no", "tidak", "false", "0", "off"})

# Error codes (https://developers.tiktok.com/doc/tiktok-api-v2-error-handling and the Direct Post page).
AUTH_CODES = frozenset({"access_token_invalid", "scope_not_authorized", "scope_permission_missed"})
RATE_CODES = frozenset({"rate_limit_exceeded", "spam_risk_too_many_posts", "reached_active_user_cap"})
TRANSIENT_CODES = frozenset({"internal_error"})
# The daily caps reset within a day; a per-minute limit without Retry-After is waited out for a minute.
DAILY_CAP_CODES = frozenset({"spam_risk_too_many_posts", "reached_active_user_cap"})


def _utf16_truncate(text: str, limit: int) -> str:
    """TikTok counts caption length in UTF-16 code units ("runes"); cut without splitting a character."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        width = len(char.encode("utf-16-le")) // 2
        if used + width > limit:
            break
        out.append(char)
        used += width
    return "".join(out)


class TikTokConnector(Connector):
    key = "tiktok"
    label = "TikTok"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=35,  # photo carousel; a video post carries exactly one video
        max_text=2200,  # video caption, UTF-16 runes; photo descriptions take 4000
        can_delete=False,
        can_find=False,
        idempotency_key=False,
        refreshes_tokens=True,
        rate_limits=(RateLimit(6, 60, source=DOCS),),  # init: 6 requests per minute per user token
        docs=f"{DOCS} ; {PHOTO_DOCS} ; https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide",
    )
    fields = (
        ("access_token", gettext_noop("Access token"), True, True),
        ("refresh_token", gettext_noop("Refresh token"), True, False),
        ("client_key", gettext_noop("App client key"), True, False),
        ("client_secret", gettext_noop("App client secret"), True, False),
        (
            "privacy_level",
            gettext_noop(
                "Who can see posts: your choice, one the account allows "
                "(PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY)"
            ),
            False,
            True,
        ),
        (
            "app_audited",
            gettext_noop("TikTok has audited this app for Direct Post (yes or no; without the audit only SELF_ONLY)"),
            False,
            True,
        ),
        ("allow_comments", gettext_noop("Allow comments (yes or no)"), False, True),
        ("allow_duet", gettext_noop("Allow duets on videos (yes or no)"), False, True),
        ("allow_stitch", gettext_noop("Allow stitches on videos (yes or no)"), False, True),
        (
            "commercial_content",
            gettext_noop("Commercial content disclosure: none, your_brand, branded_content or both"),
            False,
            True,
        ),
        (
            "video_source",
            gettext_noop("How TikTok gets videos: FILE_UPLOAD or PULL_FROM_URL (empty: upload when Alur has the file)"),
            False,
            False,
        ),
    )

    # Media transfer guide: chunks of 5–64 MB; a video up to 64 MB may go whole; at most 1000 chunks.
    MIN_CHUNK = 5 * 1024 * 1024
    MAX_SINGLE_CHUNK = 64 * 1024 * 1024
    CHUNK_SIZE = 32 * 1024 * 1024
    MAX_CHUNKS = 1000
    # Status fetch allows 30 requests per minute per token.
    POLL_INTERVAL = 3.0
    STATUS_TIMEOUT = 120.0

    # -- plumbing
    def _url(self, path: str) -> str:
        return str(self.account.setting("base_url", "https://open.tiktokapis.com")).rstrip("/") + path

    def _privacy_level(self) -> str:
        level = str(self.account.setting("privacy_level", "") or "").strip().upper()
        if not level:
            raise PermanentError(
                "Choose who can see this account's TikTok posts (the privacy level) in the account settings; "
                "TikTok requires the person's own choice and Alur assumes none."
            )
        if level not in PRIVACY_LEVELS:
            raise PermanentError(
                f"TikTok privacy level '{level}' is not one TikTok knows; use one of {', '.join(PRIVACY_LEVELS)}."
            )
        return level

    def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST one Content Posting API call and return its ``data`` (errors raise, even under HTTP 200)."""
        token = self.account.secret("access_token")
        if not token:
            raise AuthError("The TikTok account has no access token. Reconnect the account.")
        response = self.request(
            "POST",
            self._url(path),
            json=body if body is not None else {},
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=UTF-8"},
        )
        answer = _json(response)
        raw_error = answer.get("error")
        error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        code = str(error.get("code") or "ok")
        if code != "ok":
            raise self._error_for(response, code, str(error.get("message") or code), str(error.get("log_id") or ""))
        data = answer.get("data")
        return data if isinstance(data, dict) else {}

    def raise_for_status(self, response: httpx.Response) -> None:
        answer = _json(response)
        error = answer.get("error")
        if isinstance(error, dict) and error.get("code"):
            raise self._error_for(
                response, str(error["code"]), str(error.get("message") or error["code"]), str(error.get("log_id") or "")
            )
        if isinstance(error, str) and error:  # the OAuth endpoint: {"error", "error_description", "log_id"}
            raise _oauth_error(response, error, str(answer.get("error_description") or error))
        raise classify_status(response, self.error_message(response))

    def _error_for(self, response: httpx.Response, code: str, message: str, log_id: str) -> ConnectorError:
        status = response.status_code
        detail = f"HTTP {status} {code} (log_id {log_id}): {response.text[:1500]}"
        if code in AUTH_CODES:
            return AuthError(
                f"TikTok refused the account's token: {message}. Reconnect the account.", status=status, detail=detail
            )
        if code in RATE_CODES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None:
                retry_after = 3600.0 if code in DAILY_CAP_CODES else 60.0
            return RateLimited(
                f"TikTok's posting limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after,
            )
        if code in TRANSIENT_CODES or status >= 500:
            return TransientError(f"TikTok had a temporary error; Alur will try again. ({message})", status=status, detail=detail)
        return PermanentError(f"TikTok refused the post: {message}", status=status, detail=detail)

    # -- the contract
    def test_connection(self) -> str:
        creator = self._creator_info()
        self._check_privacy(creator)
        return str(creator.get("creator_nickname") or creator.get("creator_username") or "TikTok")

    def _creator_info(self) -> dict[str, Any]:
        return self._call("/v2/post/publish/creator_info/query/")

    def _yes_no(self, name: str, what: str) -> bool:
        value = str(self.account.setting(name, "") or "").strip().lower()
        if value in YES:
            return True
        if value in NO:
            return False
        raise PermanentError(
            f"Choose {what} (yes or no) in the TikTok account settings; TikTok requires the person's own choice "
            "and Alur assumes none."
        )

    def _check_privacy(self, creator: dict[str, Any]) -> str:
        level = self._privacy_level()
        if level != "SELF_ONLY" and not self._yes_no("app_audited", "whether TikTok has audited the app"):
            raise PermanentError(
                f"TikTok lets an app it has not audited post privately only (SELF_ONLY), not {level}. Choose "
                "SELF_ONLY in the account settings, or have TikTok audit the app first."
            )
        allowed = [str(option) for option in creator.get("privacy_level_options") or []]
        if level not in allowed:
            raise PermanentError(
                f"This TikTok account cannot post with privacy level {level}; it allows {', '.join(allowed) or 'none'}. "
                "Change the privacy level in the account settings."
            )
        return level

    def _post_choices(self, creator: dict[str, Any], privacy_level: str, *, video: bool) -> dict[str, bool]:
        """The person's explicit interaction and disclosure choices, as post_info fields. What the creator has
        turned off in TikTok stays off (creator_info's ``*_disabled``)."""
        choices = {
            "disable_comment": not self._yes_no("allow_comments", "whether to allow comments")
            or bool(creator.get("comment_disabled")),
        }
        if video:
            choices["disable_duet"] = not self._yes_no("allow_duet", "whether to allow duets") or bool(
                creator.get("duet_disabled")
            )
            choices["disable_stitch"] = not self._yes_no("allow_stitch", "whether to allow stitches") or bool(
                creator.get("stitch_disabled")
            )
        disclosure = str(self.account.setting("commercial_content", "") or "").strip().lower()
        if disclosure not in COMMERCIAL_CONTENT:
            raise PermanentError(
                "Choose the commercial content disclosure (none, your_brand, branded_content or both) in the TikTok "
                "account settings; TikTok requires the person's own choice and Alur assumes none."
            )
        choices["brand_organic_toggle"] = disclosure in ("your_brand", "both")
        choices["brand_content_toggle"] = disclosure in ("branded_content", "both")
        if choices["brand_content_toggle"] and privacy_level == "SELF_ONLY":
            raise PermanentError("TikTok does not allow branded content to be private (SELF_ONLY); choose another privacy level.")
        return choices

    def publish(self, payload: Payload) -> Published:
        videos = [m for m in payload.media if m.kind == "video"]
        images = [m for m in payload.media if m.kind == "image"]
        if videos and images:
            raise PermanentError("TikTok cannot mix a video and photos in one post; choose one or the other.")
        if len(videos) > 1:
            raise PermanentError("TikTok takes one video per post; this post has several.")
        if not payload.media:
            raise PermanentError("TikTok posts need a video or photos; this post has neither.")
        if len(images) > self.capabilities.max_media:
            raise PermanentError(f"TikTok takes at most {self.capabilities.max_media} photos per post.")

        creator = self._creator_info()
        privacy_level = self._check_privacy(creator)
        choices = self._post_choices(creator, privacy_level, video=bool(videos))
        if videos:
            publish_id = self._init_video(payload, videos[0], privacy_level, choices)
        else:
            publish_id = self._init_photos(payload, images, privacy_level, choices)
        status = self._wait_for_publish(publish_id)

        post_ids = [str(post_id) for post_id in status.get("publicaly_available_post_id") or []]
        username = str(creator.get("creator_username") or "")
        if post_ids:
            kind = "video" if videos else "photo"
            url = f"https://www.tiktok.com/@{username}/{kind}/{post_ids[0]}" if username else ""
            return Published(post_ids[0], url, {"publish_id": publish_id, **status})
        return Published(publish_id, "", {"publish_id": publish_id, **status})

    def _init_video(self, payload: Payload, video: MediaFile, privacy_level: str, choices: dict[str, bool]) -> str:
        post_info = {"title": _utf16_truncate(payload.body(), 2200), "privacy_level": privacy_level, **choices}
        source = str(self.account.setting("video_source", "") or "").strip().upper()
        if not source:
            source = "FILE_UPLOAD" if video.path else "PULL_FROM_URL"
        if source == "PULL_FROM_URL":
            if not video.url:
                raise PermanentError("TikTok needs a public URL for the video, and this video has none.")
            data = self._call(
                "/v2/post/publish/video/init/",
                {"post_info": post_info, "source_info": {"source": "PULL_FROM_URL", "video_url": video.url}},
            )
            return _publish_id(data)
        if source != "FILE_UPLOAD":
            raise PermanentError(f"Unknown TikTok video source '{source}'; use FILE_UPLOAD or PULL_FROM_URL.")
        if not video.path:
            raise PermanentError("Alur has no copy of this video to upload to TikTok.")

        size = os.path.getsize(video.path)
        chunk_size, chunk_count = self._chunking(size)
        data = self._call(
            "/v2/post/publish/video/init/",
            {
                "post_info": post_info,
                "source_info": {
                    "source": "FILE_UPLOAD",
                    "video_size": size,
                    "chunk_size": chunk_size,
                    "total_chunk_count": chunk_count,
                },
            },
        )
        publish_id = _publish_id(data)
        upload_url = str(data.get("upload_url") or "")
        if not upload_url:
            raise TransientError("TikTok did not return an upload address; Alur will try again.", detail=repr(data))
        self._upload_chunks(upload_url, video, size, chunk_size, chunk_count)
        return publish_id

    def _chunking(self, size: int) -> tuple[int, int]:
        """``(chunk_size, total_chunk_count)`` per the media transfer guide: the count is size // chunk size
        (rounded down) and the last chunk carries the trailing bytes."""
        if size <= 0:
            raise PermanentError("The video file is empty.")
        if size <= self.MAX_SINGLE_CHUNK:
            return size, 1
        count = size // self.CHUNK_SIZE
        if count > self.MAX_CHUNKS:
            raise PermanentError("This video is too large for TikTok's upload.")
        return self.CHUNK_SIZE, count

    def _upload_chunks(self, upload_url: str, video: MediaFile, size: int, chunk_size: int, chunk_count: int) -> None:
        mime_type = video.mime_type or "video/mp4"
        with open(video.path, "rb") as handle:
            for index in range(chunk_count):
                first = index * chunk_size
                last = size - 1 if index == chunk_count - 1 else first + chunk_size - 1
                handle.seek(first)
                chunk = handle.read(last - first + 1)
                self.request(
                    "PUT",
                    upload_url,
                    content=chunk,
                    headers={
                        "Content-Type": mime_type,
                        "Content-Length": str(len(chunk)),
                        "Content-Range": f"bytes {first}-{last}/{size}",
                    },
                )

    def _init_photos(self, payload: Payload, images: list[MediaFile], privacy_level: str, choices: dict[str, bool]) -> str:
        missing = [image.name for image in images if not image.url]
        if missing:
            raise PermanentError(f"TikTok needs public URLs for photos; these have none: {', '.join(missing)}.")
        first_line = (payload.title or payload.text).strip().splitlines()[0] if (payload.title or payload.text).strip() else ""
        data = self._call(
            "/v2/post/publish/content/init/",
            {
                "post_info": {
                    "title": _utf16_truncate(first_line, 90),
                    "description": _utf16_truncate(payload.body(), 4000),
                    "privacy_level": privacy_level,
                    "auto_add_music": True,
                    **choices,
                },
                "source_info": {
                    "source": "PULL_FROM_URL",
                    "photo_cover_index": 0,
                    "photo_images": [image.url for image in images],
                },
                "post_mode": "DIRECT_POST",
                "media_type": "PHOTO",
            },
        )
        return _publish_id(data)

    def _wait_for_publish(self, publish_id: str) -> dict[str, Any]:
        """Poll the status until TikTok reports the post complete; bounded by ``status_timeout`` seconds."""
        timeout = float(self.account.setting("status_timeout", self.STATUS_TIMEOUT))
        deadline = time.monotonic() + timeout
        while True:
            status = self._call("/v2/post/publish/status/fetch/", {"publish_id": publish_id})
            state = str(status.get("status") or "")
            if state in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX"):
                return status
            if state == "FAILED":
                reason = str(status.get("fail_reason") or "unknown reason")
                raise PermanentError(f"TikTok refused the post: {reason}", detail=f"publish_id {publish_id}: {status}")
            if time.monotonic() >= deadline:
                # The post is in TikTok's pipeline and may still appear: never send it a second time.
                raise OutcomeUnknown(
                    f"TikTok is still processing the post after {int(timeout)} seconds; check the TikTok app before "
                    "posting it again.",
                    detail=f"publish_id {publish_id}, last status {state}",
                )
            time.sleep(self.POLL_INTERVAL)

    def refresh(self) -> TokenSet:
        refresh_token = self.account.secret("refresh_token")
        if not refresh_token:
            raise AuthError("The TikTok account has no refresh token. Reconnect the account.")
        url = str(self.account.setting("token_url", "") or self._url("/v2/oauth/token/"))
        response = self.request(
            "POST",
            url,
            data={
                "client_key": self.account.secret("client_key"),
                "client_secret": self.account.secret("client_secret"),
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache"},
        )
        answer = _json(response)
        error = answer.get("error")
        if isinstance(error, str) and error:
            raise _oauth_error(response, error, str(answer.get("error_description") or error))
        access_token = str(answer.get("access_token") or "")
        if not access_token:
            raise TransientError("TikTok answered the token refresh without a token; Alur will try again.", detail=response.text)
        expires_in = answer.get("expires_in")
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None
        return TokenSet(access_token, str(answer.get("refresh_token") or ""), expires_at, int(expires_in) if expires_in else None)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _oauth_error(response: httpx.Response, error: str, message: str) -> ConnectorError:
    """Token endpoint errors: a revoked or expired refresh token needs the account reconnected."""
    if response.status_code >= 500 or error in ("server_error", "temporarily_unavailable"):
        return TransientError("TikTok could not renew the token just now; Alur will try again.", detail=response.text[:1500])
    return AuthError(
        f"TikTok would not renew the account's token: {message}. Reconnect the account.",
        status=response.status_code,
        detail=response.text[:1500],
        revoked=error == "invalid_grant",
    )


def _publish_id(data: dict[str, Any]) -> str:
    publish_id = str(data.get("publish_id") or "")
    if not publish_id:
        raise TransientError("TikTok did not return a publish id; Alur will try again.", detail=repr(data))
    return publish_id
