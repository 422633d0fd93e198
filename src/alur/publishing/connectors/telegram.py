"""Telegram: posts to a channel or group as a bot through the Telegram Bot API.

Documentation followed:

* Making requests and the answer envelope — https://core.telegram.org/bots/api#making-requests
  (``{base_url}/bot<token>/<method>``; answers ``{"ok": true, "result"}`` or ``{"ok": false,
  "error_code", "description", "parameters"}``) and https://core.telegram.org/bots/api#responseparameters
  (``retry_after``, ``migrate_to_chat_id``)
* Sending files — https://core.telegram.org/bots/api#sending-files (by HTTP URL, which Telegram fetches, or
  as a multipart upload; ``attach://<name>`` inside a media group)
* https://core.telegram.org/bots/api#sendmessage, #sendphoto, #sendvideo, #sendanimation, #sendmediagroup
* https://core.telegram.org/bots/api#deletemessage and #deletemessages (only messages younger than 48 hours)
* https://core.telegram.org/bots/api#getme, #getchat, #getchatmember (the connection test)
* Limits — https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this

How a post goes out (the bot must be a member of the group, or an administrator of the channel allowed to
post messages):

* no media → ``sendMessage`` (``chat_id``, ``text`` of 1–4096 characters, optional ``parse_mode``);
* one image → ``sendPhoto`` (a GIF → ``sendAnimation``), one video → ``sendVideo``, with the text as
  ``caption`` (at most 1024 characters);
* 2–10 images/videos → ``sendMediaGroup`` (an album; the caption goes on the first item).

A file with a local path is uploaded (multipart); otherwise Telegram fetches its public URL (Telegram
limits fetched photos to 5 MB and other files to 20 MB, uploads to 10 MB and 50 MB). The result is the
``message_id`` (an album's ids joined by commas, so that :meth:`TelegramConnector.delete` removes all of
them); the link is ``https://t.me/<username>/<message_id>`` for a public channel or group and
``https://t.me/c/<id>/<message_id>`` (members only) for a private one.

Formatting (https://core.telegram.org/bots/api#formatting-options): Alur's post text is plain text. With
the HTML or MarkdownV2 setting, the text, the hashtags and the link are escaped so that they arrive exactly as
written: in MarkdownV2 every ``_ * [ ] ( ) ~ ` > # + - = | { } . !`` and ``\\`` gets a preceding
backslash (unescaped, a full stop or a hashtag is answered 400 "can't parse entities"); in HTML ``<``, ``>``
and ``&`` become ``&lt;``, ``&gt;`` and ``&amp;``. Telegram counts a message's length after the markup is
parsed, so the limits (4096, 1024 for a caption) are checked on the text as written, in UTF-16 code units.

Errors (``error_code`` and ``description``): 429 → :class:`RateLimited` after ``parameters.retry_after``;
401 "Unauthorized" (token revoked or wrong) and 404 "Not Found" (malformed token) → :class:`AuthError`;
403 ("bot was kicked from the channel chat", "bot is not a member of the channel chat") →
:class:`AuthError`: the bot must be added back; 400 "Bad Request: ..." → :class:`PermanentError` with
Telegram's text; 5xx → transient.

Not supported, by the platform: the Bot API cannot read a channel's history, so Alur cannot check whether a
message arrived after a timeout (``can_find`` is False: such a post is failed with a reason, never sent
twice), and it takes no idempotency key. Bot tokens do not expire, so there is nothing to refresh.

Rate limits (FAQ): no more than one message per second in one chat, and no more than 20 messages per
minute to one group (Alur applies the same to channels).
"""

from __future__ import annotations

import json
import os
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
    TransientError,
    gettext_noop,
    parse_retry_after,
)

DEFAULT_BASE_URL = "https://api.telegram.org"
DOCS = "https://core.telegram.org/bots/api"
LIMITS_DOCS = "https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_ALBUM = 10
PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}
MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!\\"
MARKDOWN_RESERVED = "_*`["  # the legacy Markdown mode (https://core.telegram.org/bots/api#markdown-style)


def escape(text: str, parse_mode: str) -> str:
    """``text`` as Telegram must receive it in ``parse_mode`` for it to show exactly as written."""
    if parse_mode == "MarkdownV2":
        return "".join(f"\\{char}" if char in MARKDOWN_V2_RESERVED else char for char in text)
    if parse_mode == "Markdown":
        return "".join(f"\\{char}" if char in MARKDOWN_RESERVED else char for char in text)
    if parse_mode == "HTML":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def utf16_length(text: str) -> int:
    """How Telegram counts characters (entity offsets and lengths are in UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


class TelegramConnector(Connector):
    key = "telegram"
    label = "Telegram channel or group"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=MAX_ALBUM,
        max_text=MAX_TEXT,  # 1024 when the post has media (a caption)
        can_delete=True,  # within 48 hours of sending
        can_find=False,  # the Bot API cannot list a channel's messages
        idempotency_key=False,
        refreshes_tokens=False,
        rate_limits=(RateLimit(20, 60, source=LIMITS_DOCS), RateLimit(1, 1, source=LIMITS_DOCS)),
        docs=DOCS,
    )
    fields = (
        ("chat_id", gettext_noop("Channel or group: @username or numeric id (e.g. -1001234567890)"), False, True),
        ("parse_mode", gettext_noop("Formatting: none (plain text), HTML or MarkdownV2"), False, False),
        ("bot_token", gettext_noop("Bot token from @BotFather"), True, True),
    )

    # -- plumbing
    @property
    def base_url(self) -> str:
        return str(self.account.setting("base_url", DEFAULT_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")

    def chat_id(self) -> str:
        chat = str(self.account.setting("chat_id", "") or "").strip()
        if not chat:
            raise PermanentError("The Telegram account has no channel or group; add its @username or id in the settings.")
        if not chat.startswith("@") and not chat.lstrip("-").isdigit():
            chat = f"@{chat}"
        return chat

    def parse_mode(self) -> dict[str, str]:
        value = str(self.account.setting("parse_mode", "") or "").strip()
        if value.lower() in ("", "none"):
            return {}
        if value.lower() not in PARSE_MODES:
            raise PermanentError(f"The Telegram formatting '{value}' is not none, HTML or MarkdownV2; fix the account settings.")
        return {"parse_mode": PARSE_MODES[value.lower()]}

    def call(self, method: str, params: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        """Call one Bot API method and return its ``result``; the token never appears in an error."""
        token = self.account.secret("bot_token")
        if not token:
            raise AuthError("The Telegram account has no bot token. Reconnect the account.")
        url = f"{self.base_url}/bot{token}/{method}"
        try:
            if files:
                form = {name: value if isinstance(value, str) else json.dumps(value) for name, value in (params or {}).items()}
                response = self.request("POST", url, data=form, files=files)
            else:
                response = self.request("POST", url, json=params or {})
        except ConnectorError as error:
            error.detail = error.detail.replace(token, "<token>")
            raise
        answer = _json_object(response)
        if answer.get("ok") is not True:
            raise self.classify(response, method)
        return answer.get("result")

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self.classify(response, _method_of(response))

    def classify(self, response: httpx.Response, method: str = "") -> ConnectorError:
        answer = _json_object(response)
        error_code = answer.get("error_code")
        code = error_code if isinstance(error_code, int) else response.status_code
        description = str(answer.get("description") or response.text[:300] or f"HTTP {code}")
        parameters = _dict(answer.get("parameters"))
        detail = f"HTTP {response.status_code}: {response.text[:1500]}"
        if method.startswith("delete"):
            refused = "Telegram refused to remove the message"
        elif method.startswith("get"):
            refused = "Telegram refused the check"
        else:
            refused = "Telegram refused the post"
        if code == 429:
            retry_after = parameters.get("retry_after")
            return RateLimited(
                f"Telegram asks Alur to slow down; Alur waits and tries again. ({description})",
                status=code,
                detail=detail,
                retry_after=float(retry_after)
                if isinstance(retry_after, int | float)
                else parse_retry_after(response.headers.get("Retry-After")),
            )
        if code in (401, 404):
            return AuthError(
                f"Telegram does not accept the bot token ({description}). Copy the token from @BotFather and reconnect.",
                status=code,
                detail=detail,
                revoked=code == 401,
            )
        if code == 403:
            return AuthError(
                f"{refused}: {description}. Add the bot to the channel or group again (in a channel, as an "
                "administrator allowed to post messages).",
                status=code,
                detail=detail,
            )
        if code == 400 and parameters.get("migrate_to_chat_id"):
            return PermanentError(
                f"{refused}: the group became a supergroup; change the chat id to {parameters['migrate_to_chat_id']}.",
                status=code,
                detail=detail,
            )
        if code == 504:
            return OutcomeUnknown(
                "Telegram timed out; Alur cannot check whether the message arrived.", status=code, detail=detail
            )
        if code == 408 or code >= 500:
            return TransientError(f"Telegram had a temporary error ({code}); Alur will try again.", status=code, detail=detail)
        return PermanentError(f"{refused}: {description}", status=code, detail=detail)

    def text(self, payload: Payload) -> str:
        text = payload.body()
        if payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        return text

    def check_length(self, text: str, limit: int, what: str) -> None:
        # ``text`` is the text as written (before escaping), which is what Telegram counts.
        if utf16_length(text) > limit:
            raise PermanentError(f"The Telegram {what} has {utf16_length(text)} characters; Telegram allows at most {limit}.")

    def post_url(self, message: dict[str, Any]) -> str:
        message_id = message.get("message_id")
        chat = _dict(message.get("chat"))
        configured = str(self.account.setting("chat_id", "") or "").strip()
        username = chat.get("username") or (configured[1:] if configured.startswith("@") else "")
        if username:
            return f"https://t.me/{username}/{message_id}"
        chat_id = str(chat.get("id") or configured)
        if chat_id.startswith("-100"):
            return f"https://t.me/c/{chat_id[4:]}/{message_id}"
        return ""

    # -- the contract
    def publish(self, payload: Payload) -> Published:
        text = self.text(payload)
        chat = self.chat_id()
        style = self.parse_mode()
        media = payload.media
        if not media:
            if not text:
                raise PermanentError("The Telegram post has no text and no media; there is nothing to send.")
            self.check_length(text, MAX_TEXT, "message")
            return self.published(
                self.call("sendMessage", {"chat_id": chat, "text": escape(text, style.get("parse_mode", "")), **style})
            )
        self.check_length(text, MAX_CAPTION, "caption (text of a post with media)")
        caption = {"caption": escape(text, style.get("parse_mode", "")), **style} if text else {}
        if len(media) == 1:
            item = media[0]
            method, field = _single_method(item)
            params: dict[str, Any] = {"chat_id": chat, **caption}
            files: dict[str, Any] = {}
            if self.uploads(item):
                files[field] = self.upload_part(item)
            else:
                params[field] = self.public_url(item)
            if item.kind == "video":
                params["supports_streaming"] = True
            return self.published(self.call(method, params, files or None))
        if len(media) > MAX_ALBUM:
            raise PermanentError(f"A Telegram album takes at most {MAX_ALBUM} images and videos.")
        if any(item.mime_type == "image/gif" for item in media):
            raise PermanentError("A Telegram album cannot contain GIFs; post the GIF on its own.")
        files = {}
        album = []
        for index, item in enumerate(media):
            entry: dict[str, Any] = {"type": "video" if item.kind == "video" else "photo"}
            if self.uploads(item):
                files[f"file{index}"] = self.upload_part(item)
                entry["media"] = f"attach://file{index}"
            else:
                entry["media"] = self.public_url(item)
            if index == 0:
                entry.update(caption)
            album.append(entry)
        return self.published(self.call("sendMediaGroup", {"chat_id": chat, "media": album}, files or None))

    def uploads(self, item: MediaFile) -> bool:
        """A file with a local copy is uploaded; otherwise Telegram fetches its public URL."""
        return bool(item.path) and os.path.isfile(item.path)

    def upload_part(self, item: MediaFile) -> tuple[str, bytes, str]:
        return (item.name or "upload", item.read(), item.mime_type or "application/octet-stream")

    def public_url(self, item: MediaFile) -> str:
        if not item.url:
            raise PermanentError(f"The file {item.name} has neither a local copy nor a public URL for Telegram.")
        return item.url

    def published(self, result: Any) -> Published:
        messages = [m for m in (result if isinstance(result, list) else [result]) if isinstance(m, dict)]
        ids = [str(m["message_id"]) for m in messages if m.get("message_id") is not None]
        if not ids:
            raise OutcomeUnknown("Telegram accepted the post but did not return its message id.")
        return Published(",".join(ids), self.post_url(messages[0]), {"messages": messages})

    def delete(self, external_id: str) -> None:
        try:
            ids = [int(part) for part in external_id.split(",") if part.strip()]
        except ValueError as error:
            raise PermanentError(f"'{external_id}' is not a Telegram message id.") from error
        if not ids:
            return
        try:
            if len(ids) == 1:
                self.call("deleteMessage", {"chat_id": self.chat_id(), "message_id": ids[0]})
            else:
                self.call("deleteMessages", {"chat_id": self.chat_id(), "message_ids": ids})
        except PermanentError as error:
            if error.status == 400 and "not found" in error.message.lower():
                return  # already gone
            if error.status == 400 and "can't be deleted" in error.message.lower():
                raise PermanentError(
                    f"{error.message}. Telegram lets a bot remove only messages younger than 48 hours.",
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise

    def test_connection(self) -> str:
        me = _dict(self.call("getMe"))
        chat = _dict(self.call("getChat", {"chat_id": self.chat_id()}))
        if chat.get("type") == "channel" and me.get("id") is not None:
            member = _dict(self.call("getChatMember", {"chat_id": self.chat_id(), "user_id": me["id"]}))
            if member.get("status") != "creator" and not (
                member.get("status") == "administrator" and member.get("can_post_messages") is not False
            ):
                raise PermanentError(
                    f"The bot @{me.get('username', '')} is not an administrator of the channel that may post "
                    "messages. Add it in the channel's settings under Administrators."
                )
        name = chat.get("title") or (f"@{chat['username']}" if chat.get("username") else self.chat_id())
        return f"@{me.get('username', 'bot')} → {name}"


def _single_method(item: MediaFile) -> tuple[str, str]:
    if item.kind == "video":
        return "sendVideo", "video"
    if item.mime_type == "image/gif":
        return "sendAnimation", "animation"
    return "sendPhoto", "photo"


def _method_of(response: httpx.Response) -> str:
    return response.request.url.path.rsplit("/", 1)[-1] if response.request else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
