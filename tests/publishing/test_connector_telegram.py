"""The Telegram connector against a fake Bot API that speaks the documented contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alur.publishing.connectors import connector_class
from alur.publishing.connectors.base import (
    AccountConfig,
    AuthError,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    RateLimited,
    TransientError,
)
from alur.publishing.connectors.telegram import TelegramConnector
from tests.publishing.fakes import telegram as fake
from tests.publishing.fakes.server import FakeServer, Reply


@pytest.fixture
def bot_api() -> Iterator[fake.FakeTelegram]:
    with fake.FakeTelegram() as server:
        yield server


def connector(
    url: str, *, token: str = fake.TOKEN, chat_id: str = f"@{fake.CHANNEL}", timeout: float = 5.0, **config: object
) -> TelegramConnector:
    return TelegramConnector(
        AccountConfig(config={"base_url": url, "chat_id": chat_id, **config}, credentials={"bot_token": token}),
        client=httpx.Client(timeout=timeout),
    )


def payload(key: str = "key-1", **changes: object) -> Payload:
    values: dict[str, object] = {
        "idempotency_key": key,
        "text": "Kopi susu gula aren, hari ini saja!",
        "hashtags": ("kopi",),
        "link": "https://kopi.id/menu?utm_source=telegram",
    }
    values.update(changes)
    return Payload(**values)  # type: ignore[arg-type]


def media(tmp_path: Path | None, name: str, mime_type: str) -> MediaFile:
    path = ""
    if tmp_path is not None:
        (tmp_path / name).write_bytes(b"fake " + name.encode())
        path = str(tmp_path / name)
    return MediaFile(name=name, mime_type=mime_type, url=f"https://cdn.kopi.id/{name}", path=path)


METHOD = rf"/bot{fake.TOKEN}/(?P<method>\w+)"


def calls(bot_api: fake.FakeTelegram, method: str) -> list:
    return bot_api.server.calls("POST", rf"/bot{fake.TOKEN}/{method}")


# ------------------------------------------------------------------------------------- publishing
def test_a_text_post_is_a_message_with_hashtags_and_link(bot_api: fake.FakeTelegram) -> None:
    published = connector(bot_api.url).publish(payload())

    (request,) = calls(bot_api, "sendMessage")
    assert request.json() == {
        "chat_id": "@kopikita",
        "text": "Kopi susu gula aren, hari ini saja!\n\n#kopi\n\nhttps://kopi.id/menu?utm_source=telegram",
    }
    assert published.external_id == "101"
    assert published.url == "https://t.me/kopikita/101"


def test_the_parse_mode_setting_is_sent(bot_api: fake.FakeTelegram) -> None:
    connector(bot_api.url, parse_mode="html").publish(payload(text="Kopi baru"))
    (request,) = calls(bot_api, "sendMessage")
    assert request.json()["parse_mode"] == "HTML"


# Alur's text is plain text: with a parse mode it is escaped so that it arrives exactly as written.
AWKWARD = "Promo 1+1 (hari ini saja)! Harga Rp25.000 - diskon_50% = hemat. <b>baru</b> & *enak* [menu] {x} |y| ~z~ `k` > a\\b"
UTM_LINK = "https://kopi.id/menu_baru?utm_source=telegram&utm_medium=social&utm_campaign=ramadan-2026_(a)"


@pytest.mark.parametrize("parse_mode", ["MarkdownV2", "HTML"])
def test_with_a_parse_mode_text_hashtags_and_link_arrive_exactly_as_written(bot_api: fake.FakeTelegram, parse_mode: str) -> None:
    sent = payload(text=AWKWARD, hashtags=("kopi_susu", "promo-ramadan"), link=UTM_LINK)
    connector(bot_api.url, parse_mode=parse_mode).publish(sent)
    (request,) = calls(bot_api, "sendMessage")
    assert fake.plain(request.json()["text"], parse_mode) == f"{sent.body()}\n\n{UTM_LINK}"


@pytest.mark.parametrize("parse_mode", ["MarkdownV2", "HTML"])
def test_with_a_parse_mode_a_caption_and_an_album_caption_are_escaped(
    bot_api: fake.FakeTelegram, tmp_path: Path, parse_mode: str
) -> None:
    photo, other = media(tmp_path, "a.jpg", "image/jpeg"), media(None, "b.jpg", "image/jpeg")
    telegram = connector(bot_api.url, parse_mode=parse_mode)
    telegram.publish(payload(text=AWKWARD, media=(photo,)))
    telegram.publish(payload(text=AWKWARD, media=(photo, other)))
    shown = {fake.plain(m["caption"], parse_mode) for m in bot_api.messages.values() if "caption" in m}
    assert shown == {f"{AWKWARD}\n\n#kopi\n\nhttps://kopi.id/menu?utm_source=telegram"}
    assert len([m for m in bot_api.messages.values() if "caption" in m]) == 2


def test_the_fake_refuses_what_telegram_cannot_parse(bot_api: fake.FakeTelegram) -> None:
    for text in ("Kopi.", "#kopi", "a-b", "https://kopi.id/?a=b", "*open", "[menu]"):
        with pytest.raises(fake.EntityError):
            fake.parse_markdown_v2(text)
    assert fake.parse_markdown_v2("Kopi\\. *tebal* _miring_ [menu](https://kopi.id/a\\)b) `a.b` \\#kopi") == (
        "Kopi. tebal miring menu a.b #kopi"
    )
    for text in ("<x>a</x>", "a & b", "a > b", "&nbsp;", "<b>a", "<b>a</i>"):
        with pytest.raises(fake.EntityError):
            fake.parse_html(text)
    assert fake.parse_html('<b>a</b> &lt;&amp;&gt;&quot; &#65; <a href="https://k.id/?a=1&amp;b=2">k</a>') == 'a <&>" A k'
    with pytest.raises(PermanentError, match="can't parse entities"):
        connector(bot_api.url).call("sendMessage", {"chat_id": "@kopikita", "text": "Kopi.", "parse_mode": "MarkdownV2"})


def test_a_bare_channel_name_gets_its_at_sign(bot_api: fake.FakeTelegram) -> None:
    connector(bot_api.url, chat_id="kopikita").publish(payload())
    assert calls(bot_api, "sendMessage")[0].json()["chat_id"] == "@kopikita"


def test_a_private_channel_links_to_the_members_only_url(bot_api: fake.FakeTelegram) -> None:
    bot_api.username = None
    published = connector(bot_api.url, chat_id=str(fake.CHAT_ID)).publish(payload())
    assert published.url == "https://t.me/c/1234567890/101"


def test_one_local_photo_is_uploaded_with_the_caption(bot_api: fake.FakeTelegram, tmp_path: Path) -> None:
    published = connector(bot_api.url).publish(payload(media=(media(tmp_path, "promo.jpg", "image/jpeg"),)))

    (request,) = calls(bot_api, "sendPhoto")
    assert request.header("Content-Type").startswith("multipart/form-data")
    assert b'name="photo"; filename="promo.jpg"' in request.body
    assert b"fake promo.jpg" in request.body
    message = bot_api.messages[int(published.external_id)]
    assert message["photo"]["source"] == "upload:photo"
    assert message["caption"].startswith("Kopi susu gula aren")


def test_a_photo_without_a_local_copy_is_sent_by_url(bot_api: fake.FakeTelegram) -> None:
    connector(bot_api.url).publish(payload(media=(media(None, "promo.jpg", "image/jpeg"),)))
    (request,) = calls(bot_api, "sendPhoto")
    assert request.json()["photo"] == "https://cdn.kopi.id/promo.jpg"
    assert request.json()["chat_id"] == "@kopikita"


@pytest.mark.parametrize(
    ("name", "mime_type", "method", "field"),
    [("promo.mp4", "video/mp4", "sendVideo", "video"), ("promo.gif", "image/gif", "sendAnimation", "animation")],
)
def test_one_video_or_gif_uses_its_own_method(
    bot_api: fake.FakeTelegram, tmp_path: Path, name: str, mime_type: str, method: str, field: str
) -> None:
    connector(bot_api.url).publish(payload(media=(media(tmp_path, name, mime_type),)))
    (request,) = calls(bot_api, method)
    assert f'name="{field}"; filename="{name}"'.encode() in request.body


def test_several_files_go_out_as_an_album_with_the_caption_on_the_first(bot_api: fake.FakeTelegram, tmp_path: Path) -> None:
    files = (
        media(tmp_path, "a.jpg", "image/jpeg"),
        media(None, "b.jpg", "image/jpeg"),
        media(tmp_path, "c.mp4", "video/mp4"),
    )
    published = connector(bot_api.url).publish(payload(media=files))

    (request,) = calls(bot_api, "sendMediaGroup")
    assert b'name="file0"; filename="a.jpg"' in request.body
    assert b'name="file2"; filename="c.mp4"' in request.body
    album = json.loads(bot_api.uploads["media"])
    assert [item["media"] for item in album] == ["attach://file0", "https://cdn.kopi.id/b.jpg", "attach://file2"]
    assert [item["type"] for item in album] == ["photo", "photo", "video"]
    assert album[0]["caption"].startswith("Kopi susu") and "caption" not in album[1]
    assert published.external_id == "101,102,103"
    assert published.url == "https://t.me/kopikita/101"


def test_an_album_of_urls_is_sent_as_json(bot_api: fake.FakeTelegram) -> None:
    connector(bot_api.url).publish(payload(media=(media(None, "a.jpg", "image/jpeg"), media(None, "b.jpg", "image/jpeg"))))
    (request,) = calls(bot_api, "sendMediaGroup")
    assert [item["media"] for item in request.json()["media"]] == ["https://cdn.kopi.id/a.jpg", "https://cdn.kopi.id/b.jpg"]


def test_what_telegram_cannot_take_is_refused_before_sending(bot_api: fake.FakeTelegram, tmp_path: Path) -> None:
    photo = media(None, "a.jpg", "image/jpeg")
    telegram = connector(bot_api.url)
    with pytest.raises(PermanentError, match="at most 10"):
        telegram.publish(payload(media=(photo,) * 11))
    with pytest.raises(PermanentError, match="GIF"):
        telegram.publish(payload(media=(photo, media(None, "b.gif", "image/gif"))))
    with pytest.raises(PermanentError, match="at most 1024"):
        telegram.publish(payload(text="k" * 1100, media=(photo,)))
    with pytest.raises(PermanentError, match="at most 4096"):
        telegram.publish(payload(text="k" * 5000))
    with pytest.raises(PermanentError, match="nothing to send"):
        telegram.publish(payload(text="", hashtags=(), link=""))
    assert bot_api.server.requests == []


@pytest.mark.parametrize("parse_mode", ["MarkdownV2", "HTML"])
def test_with_a_parse_mode_the_length_is_that_of_the_text_as_written(bot_api: fake.FakeTelegram, parse_mode: str) -> None:
    telegram = connector(bot_api.url, parse_mode=parse_mode)
    # 4,000 full stops are 8,000 characters escaped, but Telegram counts the 4,000 it shows.
    telegram.publish(payload(text="." * 4000, hashtags=(), link=""))
    with pytest.raises(PermanentError, match="at most 4096"):
        telegram.publish(payload(text="k" * 5000))
    assert len(calls(bot_api, "sendMessage")) == 1


# ---------------------------------------------------------------------------------------- errors
def test_a_revoked_token_is_an_auth_error_that_never_shows_the_token(bot_api: fake.FakeTelegram) -> None:
    other = "987654321:AAFakeButWellFormedTokenxxxxxxxxxxx"
    with pytest.raises(AuthError) as raised:
        connector(bot_api.url, token=other).publish(payload())
    assert raised.value.revoked
    assert "Unauthorized" in raised.value.message
    assert other not in raised.value.message + raised.value.detail


def test_a_malformed_token_is_an_auth_error(bot_api: fake.FakeTelegram) -> None:
    with pytest.raises(AuthError, match="Not Found"):
        connector(bot_api.url, token="not-a-token").publish(payload())


def test_a_kicked_bot_is_an_auth_error_with_telegrams_words(bot_api: fake.FakeTelegram) -> None:
    bot_api.kicked = True
    with pytest.raises(AuthError, match="bot was kicked from the channel chat") as raised:
        connector(bot_api.url).publish(payload())
    assert raised.value.status == 403


def test_an_unknown_chat_is_a_permanent_error(bot_api: fake.FakeTelegram) -> None:
    with pytest.raises(PermanentError) as raised:
        connector(bot_api.url, chat_id="@nobody").publish(payload())
    assert not isinstance(raised.value, AuthError)
    assert raised.value.message == "Telegram refused the post: Bad Request: chat not found"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (
            Reply(
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 35",
                    "parameters": {"retry_after": 35},
                },
            ),
            RateLimited,
        ),
        (Reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}), TransientError),
        (Reply(502, "<html>Bad Gateway</html>"), TransientError),
        (Reply(504, "Gateway Timeout"), OutcomeUnknown),
        (Reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}), PermanentError),
    ],
)
def test_error_classes(reply: Reply, error: type[Exception]) -> None:
    server = FakeServer()
    server.route("POST", METHOD)(lambda request: reply)
    with server, pytest.raises(error) as raised:
        connector(server.url).publish(payload())
    assert type(raised.value) is error
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 35
    if reply.status == 400:
        assert "Bad Request: message text is empty" in str(raised.value)


def test_a_group_that_became_a_supergroup_names_the_new_id() -> None:
    server = FakeServer()
    body = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1009876543210},
    }
    server.route("POST", METHOD)(lambda request: Reply(400, body))
    with server, pytest.raises(PermanentError, match="-1009876543210"):
        connector(server.url, chat_id="-123456").publish(payload())


def test_a_timeout_is_an_unknown_outcome() -> None:
    server = FakeServer()
    server.route("POST", METHOD)(lambda request: Reply(200, {"ok": True, "result": {}}, delay=1.0))
    with server, pytest.raises(OutcomeUnknown):
        connector(server.url, timeout=0.2).publish(payload())


def test_an_unreachable_api_is_transient() -> None:
    with pytest.raises(TransientError) as raised:
        connector("http://127.0.0.1:9").publish(payload())
    assert not isinstance(raised.value, OutcomeUnknown)
    assert fake.TOKEN not in raised.value.detail


# ------------------------------------------------------------------------- delete and connection
def test_delete_removes_a_message_or_a_whole_album(bot_api: fake.FakeTelegram) -> None:
    telegram = connector(bot_api.url)
    single = telegram.publish(payload())
    album = telegram.publish(payload(media=(media(None, "a.jpg", "image/jpeg"), media(None, "b.jpg", "image/jpeg"))))

    telegram.delete(single.external_id)
    telegram.delete(album.external_id)

    assert bot_api.messages == {}
    assert calls(bot_api, "deleteMessage")[0].json() == {"chat_id": "@kopikita", "message_id": 101}
    assert calls(bot_api, "deleteMessages")[0].json() == {"chat_id": "@kopikita", "message_ids": [102, 103]}


def test_deleting_a_message_already_gone_is_fine(bot_api: fake.FakeTelegram) -> None:
    connector(bot_api.url).delete("999")


def test_a_message_older_than_48_hours_cannot_be_deleted(bot_api: fake.FakeTelegram) -> None:
    telegram = connector(bot_api.url)
    published = telegram.publish(payload())
    bot_api.too_old.add(int(published.external_id))
    with pytest.raises(PermanentError, match="48 hours") as raised:
        telegram.delete(published.external_id)
    assert raised.value.message.startswith("Telegram refused to remove the message: Bad Request: message can't be deleted")


def test_test_connection_names_the_bot_and_the_channel(bot_api: fake.FakeTelegram) -> None:
    assert connector(bot_api.url).test_connection() == "@kopikita_bot → Kopi Kita"
    assert [r.path.rsplit("/", 1)[-1] for r in bot_api.server.requests] == ["getMe", "getChat", "getChatMember"]


def test_test_connection_says_when_the_bot_may_not_post(bot_api: fake.FakeTelegram) -> None:
    bot_api.is_admin = False
    with pytest.raises(PermanentError, match="not an administrator"):
        connector(bot_api.url).test_connection()
    bot_api.is_admin, bot_api.kicked = True, True
    with pytest.raises(AuthError, match="kicked"):
        connector(bot_api.url).test_connection()


def test_capabilities_and_registry(bot_api: fake.FakeTelegram) -> None:
    assert connector_class("telegram") is TelegramConnector
    caps = TelegramConnector.capabilities
    assert not caps.can_find and not caps.idempotency_key and not caps.refreshes_tokens
    assert caps.can_delete
    assert caps.max_media == 10 and caps.max_text == 4096
    assert caps.media_types == {"image", "video"}
    assert (20, 60) in {(limit.count, limit.seconds) for limit in caps.rate_limits}
    assert all(limit.source.startswith("https://core.telegram.org/bots/faq") for limit in caps.rate_limits)
    assert caps.docs == "https://core.telegram.org/bots/api"
    telegram = connector(bot_api.url)
    assert not telegram.can_find()
    with pytest.raises(PermanentError):
        telegram.find(payload())
    assert telegram.refresh() is None
    assert {name for name, _label, _secret, _required in TelegramConnector.fields} == {"chat_id", "parse_mode", "bot_token"}
    assert bot_api.server.requests == []
