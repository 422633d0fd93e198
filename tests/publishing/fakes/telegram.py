"""A fake Telegram Bot API speaking the documented contract.

https://core.telegram.org/bots/api#making-requests: ``POST /bot<token>/<method>`` with JSON, form or
multipart parameters; answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
"description", "parameters"}``. https://core.telegram.org/bots/api#sending-files: a file is an HTTP URL,
a multipart part named like the parameter, or ``attach://<part>`` inside ``sendMediaGroup``'s ``media``.
Methods: sendMessage, sendPhoto, sendVideo, sendAnimation, sendMediaGroup (2–10 items), deleteMessage,
deleteMessages, getMe, getChat, getChatMember.

Formatting is held to https://core.telegram.org/bots/api#formatting-options (read 2026-12-08): with
``parse_mode`` MarkdownV2 an unescaped reserved character (``_ * [ ] ( ) ~ ` > # + - = | { } . !``) or an
entity left open is refused with 400 "Bad Request: can't parse entities: ..."; in HTML mode an unsupported or
unmatched tag, a bare ``<``/``>``/``&`` or a named entity other than ``&lt; &gt; &amp; &quot;`` is refused
the same way. Lengths (4096 for a message, 1024 for a caption, #sendmessage and #sendphoto) count the text
after the markup is parsed, as Telegram does.
"""

from __future__ import annotations

import itertools
import json
import re
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
        try:
            shown = plain(str(params.get("caption") or ""), params.get("parse_mode"))
        except EntityError as error:
            return failure(400, f"Bad Request: {error}")
        if len(shown.encode("utf-16-le")) // 2 > 1024:
            return failure(400, "Bad Request: message caption is too long")
        return None

    # -- sending
    def do_sendMessage(self, params: dict[str, Any]) -> Reply:
        text = str(params.get("text") or "")
        try:
            shown = plain(text, params.get("parse_mode"))
        except EntityError as error:
            return failure(400, f"Bad Request: {error}")
        if not shown.strip():
            return failure(400, "Bad Request: message text is empty")
        if len(shown.encode("utf-16-le")) // 2 > 4096:
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


# -- formatting, as https://core.telegram.org/bots/api#formatting-options describes it (read 2026-12-08) -------
MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
"""#markdownv2-style: "Any character with code between 1 and 126 inclusively can be escaped anywhere with a
preceding '\\' character"; inside ``pre`` and ``code`` only '`' and '\\' must be escaped; inside the ``(...)``
of an inline link only ')' and '\\'; everywhere else these characters must be escaped."""
HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "tg-spoiler",
    "span",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
"""#html-style: the only tags Telegram takes."""
HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
"""#html-style: "All numerical HTML entities are supported. The API currently supports only the following named
HTML entities: &lt;, &gt;, &amp; and &quot;." and "All <, > and & symbols that are not a part of a tag or an
HTML entity must be replaced with the corresponding HTML entities"."""


class EntityError(ValueError):
    """Telegram's 400 "Bad Request: can't parse entities: ..."."""


def _reserved(char: str, offset: int | None = None) -> EntityError:
    where = f" at byte offset {offset}" if offset is not None else ""
    return EntityError(f"can't parse entities: Character '{char}' is reserved and must be escaped with the preceding '\\'{where}")


def parse_markdown_v2(text: str) -> str:
    """The plain text Telegram would show, or :class:`EntityError` where Telegram answers 400."""
    out: list[str] = []
    open_marks: list[str] = []
    i = 0
    line_start = True
    while i < len(text):
        char = text[i]
        offset = len(text[:i].encode())
        if char == "\\":
            if i + 1 >= len(text) or not 1 <= ord(text[i + 1]) <= 126:
                raise _reserved("\\", offset)
            out.append(text[i + 1])
            i += 2
            line_start = False
            continue
        if char == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = i + len(fence)
            body: list[str] = []
            while True:
                if end >= len(text):
                    entity = "Pre" if fence == "```" else "Code"
                    raise EntityError(f"can't parse entities: Can't find end of {entity} entity at byte offset {offset}")
                if text[end] == "\\" and end + 1 < len(text):
                    body.append(text[end + 1])
                    end += 2
                    continue
                if text.startswith(fence, end):
                    break
                body.append(text[end])
                end += 1
            out.append("".join(body))
            i = end + len(fence)
            line_start = False
            continue
        if char == "[":
            close = _find_unescaped(text, "]", i + 1)
            if close < 0 or not text.startswith("(", close + 1):
                raise _reserved("[", offset)
            end = close + 2
            while end < len(text) and text[end] != ")":
                end += 2 if text[end] == "\\" else 1
            if end >= len(text):
                raise EntityError(
                    f"can't parse entities: Can't find end of a URL at byte offset {len(text[: close + 1].encode())}"
                )
            out.append(parse_markdown_v2(text[i + 1 : close]))
            i = end + 1
            line_start = False
            continue
        if char == ">" and line_start:
            i += 1
            continue
        mark = next((m for m in ("||", "__", "*", "_", "~") if text.startswith(m, i)), "")
        if mark:
            if open_marks and open_marks[-1] == mark:
                open_marks.pop()
            else:
                open_marks.append(mark)
            i += len(mark)
            line_start = False
            continue
        if char in MARKDOWN_V2_RESERVED:
            raise _reserved(char)
        out.append(char)
        line_start = char == "\n"
        i += 1
    if open_marks:
        raise EntityError(f"can't parse entities: Can't find end of the entity starting with '{open_marks[-1]}'")
    return "".join(out)


def _find_unescaped(text: str, char: str, start: int) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def parse_html(text: str) -> str:
    """The plain text Telegram would show in HTML mode, or :class:`EntityError`."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        offset = len(text[:i].encode())
        if char == "<":
            tag = _TAG.match(text, i)
            if tag is None:
                raise EntityError(f'can\'t parse entities: Unsupported start tag "" at byte offset {offset}')
            closing, name = tag.group(1), tag.group(2).lower()
            if name not in HTML_TAGS:
                kind = "end" if closing else "start"
                raise EntityError(f'can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    expected = stack[-1] if stack else ""
                    raise EntityError(
                        f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                        f'expected "</{expected}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            i = tag.end()
            continue
        if char == ">":
            raise EntityError(f"can't parse entities: Character '>' must be escaped as &gt; at byte offset {offset}")
        if char == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise EntityError(f"can't parse entities: Character '&' must be escaped as &amp; at byte offset {offset}")
            name = entity.group(1)
            if name.startswith("#"):
                out.append(chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:])))
            elif name in HTML_NAMED_ENTITIES:
                out.append(HTML_NAMED_ENTITIES[name])
            else:
                raise EntityError(f'can\'t parse entities: Unsupported HTML entity "&{name};" at byte offset {offset}')
            i = entity.end()
            continue
        out.append(char)
        i += 1
    if stack:
        raise EntityError(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(out)


def plain(text: str, parse_mode: str | None) -> str:
    if parse_mode == "MarkdownV2":
        return parse_markdown_v2(text)
    if parse_mode == "HTML":
        return parse_html(text)
    return text
