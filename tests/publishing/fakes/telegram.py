"""A fake Telegram Bot API speaking the documented contract.

https://core.telegram.org/bots/api#making-requests: ``POST /bot<token>/<method>`` with JSON, form or
multipart parameters; answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
"description", "parameters"}``. https://core.telegram.org/bots/api#sending-files: a file is an HTTP URL,
a multipart part named like the parameter, or ``attach://<part>`` inside ``sendMediaGroup``'s ``media``.
Methods: sendMessage, sendPhoto, sendVideo, sendAnimation, sendMediaGroup (2–10 items), deleteMessage,
deleteMessages, getMe, getChat, getChatMember.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from .server import FakeServer, Reply, Request
from .x import parse_multipart

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT_ID = 123456789
BOT_USERNAME = "kopikita_bot"
CHAT_ID = -1001234567890
CHANNEL = "kopikita"
PARSE_MODES = ("HTML", "MarkdownV2", "Markdown")


def failure(code: int, description: str, **parameters: Any) -> Reply:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Reply(code, body)


def ok(result: Any) -> Reply:
    return Reply(200, {"ok": True, "result": result})


@dataclass
class FakeTelegram:
    server: FakeServer = field(default_factory=FakeServer)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)  # part name → bytes of the last multipart call
    username: str | None = CHANNEL  # None: a private channel
    kicked: bool = False  # the bot was removed from the channel
    is_admin: bool = True
    too_old: set[int] = field(default_factory=set)  # message ids sent more than 48 hours ago
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(101))

    def __post_init__(self) -> None:
        self.server.route("POST", r"/bot(?P<token>[^/]*)/(?P<method>\w+)")(self.dispatch)

    def __enter__(self) -> FakeTelegram:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": CHAT_ID, "title": "Kopi Kita", "type": "channel"}
        if self.username:
            chat["username"] = self.username
        return chat

    def params(self, request: Request) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        self.uploads = {}
        if content_type.startswith("application/json"):
            return dict(request.json() or {})
        if content_type.startswith("multipart/form-data"):
            parts = parse_multipart(request)
            self.uploads = parts
            return {name: value.decode(errors="replace") for name, value in parts.items()}
        return {name: values[0] for name, values in request.form().items()}

    def dispatch(self, request: Request) -> Reply:
        assert request.match is not None
        token, method = request.match.group("token"), request.match.group("method")
        if ":" not in token:
            return failure(404, "Not Found")
        if token not in self.tokens:
            return failure(401, "Unauthorized")
        handler = getattr(self, f"do_{method}", None)
        if handler is None:
            return failure(404, "Not Found")
        params = self.params(request)
        if method not in ("getMe",):
            if str(params.get("chat_id")) not in (str(CHAT_ID), f"@{CHANNEL}"):
                return failure(400, "Bad Request: chat not found")
            if self.kicked:
                return failure(403, "Forbidden: bot was kicked from the channel chat")
        if "parse_mode" in params and params["parse_mode"] not in PARSE_MODES:
            return failure(400, f"Bad Request: unsupported parse_mode {params['parse_mode']}")
        reply: Reply = handler(params)
        return reply

    def store(self, **content: Any) -> dict[str, Any]:
        message_id = next(self.counter)
        message = {"message_id": message_id, "date": 1_735_689_600, "chat": self.chat(), **content}
        self.messages[message_id] = message
        return message

    def file(self, params: dict[str, Any], name: str) -> str | None:
        """The file a parameter names: an uploaded part, or a URL Telegram would fetch."""
        value = params.get(name)
        if name in self.uploads and value is not None and not str(value).startswith("http"):
            return f"upload:{name}"
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            return f"upload:{part}" if part in self.uploads else None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
        return None

    def caption(self, params: dict[str, Any]) -> Reply | None:
        if len(str(params.get("caption") or "")) > 1024:
            return failure(400, "Bad Request: message caption is too long")
        return None

    # -- sending
    def do_sendMessage(self, params: dict[str, Any]) -> Reply:
        text = str(params.get("text") or "")
        if not text:
            return failure(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return failure(400, "Bad Request: message is too long")
        return ok(self.store(text=text))

    def send_file(self, params: dict[str, Any], kind: str) -> Reply:
        if refused := self.caption(params):
            return refused
        source = self.file(params, kind)
        if source is None:
            return failure(400, f"Bad Request: there is no {kind} in the request")
        content: dict[str, Any] = {kind: {"file_id": f"file-{kind}", "source": source}}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return ok(self.store(**content))

    def do_sendPhoto(self, params: dict[str, Any]) -> Reply:
        return self.send_file(params, "photo")

    def do_sendVideo(self, params: dict[str, Any]) -> Reply:
        return self.send_file(params, "video")

    def do_sendAnimation(self, params: dict[str, Any]) -> Reply:
        return self.send_file(params, "animation")

    def do_sendMediaGroup(self, params: dict[str, Any]) -> Reply:
        media = params.get("media")
        items = json.loads(media) if isinstance(media, str) else media
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            return failure(400, "Bad Request: wrong number of media in the group: must be 2-10")
        sent = []
        for index, item in enumerate(items):
            if item.get("type") not in ("photo", "video") or self.file({"media": item.get("media")}, "media") is None:
                return failure(400, f"Bad Request: wrong file identifier/HTTP URL specified in media #{index}")
            if refused := self.caption(item):
                return refused
        for item in items:
            content = {item["type"]: {"source": self.file({"media": item["media"]}, "media")}, "media_group_id": "1311"}
            if item.get("caption"):
                content["caption"] = item["caption"]
            sent.append(self.store(**content))
        return ok(sent)

    # -- deleting
    def do_deleteMessage(self, params: dict[str, Any]) -> Reply:
        message_id = int(params["message_id"])
        if message_id in self.too_old:
            return failure(400, "Bad Request: message can't be deleted")
        if self.messages.pop(message_id, None) is None:
            return failure(400, "Bad Request: message to delete not found")
        return ok(True)

    def do_deleteMessages(self, params: dict[str, Any]) -> Reply:
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            return failure(400, "Bad Request: message_ids must be a list of 1-100 ids")
        if any(int(i) in self.too_old for i in ids):
            return failure(400, "Bad Request: message can't be deleted")
        for message_id in ids:  # messages that cannot be found are skipped, as documented
            self.messages.pop(int(message_id), None)
        return ok(True)

    # -- account
    def do_getMe(self, params: dict[str, Any]) -> Reply:
        return ok({"id": BOT_ID, "is_bot": True, "first_name": "Kopi Kita Bot", "username": BOT_USERNAME})

    def do_getChat(self, params: dict[str, Any]) -> Reply:
        return ok(self.chat())

    def do_getChatMember(self, params: dict[str, Any]) -> Reply:
        user = {"id": BOT_ID, "is_bot": True, "first_name": "Kopi Kita Bot", "username": BOT_USERNAME}
        if self.is_admin:
            return ok({"status": "administrator", "user": user, "can_post_messages": True, "can_delete_messages": True})
        return ok({"status": "left", "user": user})
