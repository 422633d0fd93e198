"""Collaboration pages and API: the comments partial (htmx), attachments served only to members, the version
history with its diff and restore, and the API endpoints."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from PIL import Image

from alur.accounts.models import ApiToken, User
from alur.content.models import Comment, ContentItem, ContentVersion
from alur.content.services import collab, items
from alur.core.roles import Role
from tests.conftest import Team

R = Role
Login = Callable[[User], Client]
TokenMaker = Callable[..., tuple[ApiToken, str]]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    yield root


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 6), (15, 118, 110)).save(output, "PNG")
    return output.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def english(user: User) -> User:
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def make_item(team: Team, *, shared: bool = False) -> ContentItem:
    return items.content_create(
        actor=team.user(R.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Es kopi aren",
        variants=[{"platform": "instagram", "text": "Es kopi susu segar", "hashtags": ["#kopi"]}],
        is_shared_with_clients=shared,
    )


@pytest.fixture
def item(team: Team) -> ContentItem:
    return make_item(team)


def url(name: str, item: ContentItem, *args: Any) -> str:
    return reverse(f"content:{name}", args=[item.workspace.slug, item.pk, *args])


# Comments partial --------------------------------------------------------------------------------


def test_the_item_page_embeds_the_comments_partial(team: Team, item: ContentItem, login: Login) -> None:
    try:
        reverse("content:calendar", args=["kopi"])  # the item page links to the calendar (another area)
    except NoReverseMatch:
        pytest.skip("the calendar pages are not there yet")
    page = login(team.user(R.MANAGER)).get(reverse("content:item_detail", args=["kopi", item.pk])).content.decode()
    assert f'hx-get="{url("comments", item)}"' in page and url("versions", item) in page


def test_the_comments_partial_starts_empty_with_a_form(team: Team, item: ContentItem, login: Login) -> None:
    client = login(english(team.user(R.MANAGER)))
    partial = client.get(url("comments", item))
    assert partial.status_code == 200
    html = partial.content.decode()
    assert 'data-testid="comments-empty"' in html and 'data-testid="comment-form"' in html
    assert "<html" not in html
    assert 'id="mention-members"' in html and "@designer@kopi.id" in html
    assert "@client@kopi.id" not in html, "a client cannot be mentioned on content not shared with clients"


def test_posting_a_comment_with_htmx_returns_the_refreshed_partial(team: Team, item: ContentItem, login: Login) -> None:
    client = login(english(team.user(R.MANAGER)))
    response = client.post(url("comment_add", item), {"body": "Tolong @designer cek warna", "show": "open"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="thread"' in html and '<span class="alur-mention">@designer</span>' in html
    assert Comment.objects.get().mentions.get() == team.user(R.DESIGNER)


def test_without_htmx_a_comment_post_goes_back_to_the_item_page(team: Team, item: ContentItem, login: Login) -> None:
    response = login(team.user(R.MANAGER)).post(url("comment_add", item), {"body": "Oke"})
    assert response.status_code == 302
    assert response["Location"] == reverse("content:item_detail", args=["kopi", item.pk]) + "#comments"
    assert Comment.objects.count() == 1


def test_user_text_is_escaped_never_run(team: Team, item: ContentItem, login: Login) -> None:
    body = (
        '<script>alert("xss")</script> <img src=x onerror=alert(1)> '
        "javascript:alert(1) https://kopi.id/promo?a=1&b=<2> \"quoted\" <a href='https://evil.example'>klik</a>\nbaris dua"
    )
    client = login(english(team.user(R.MANAGER)))
    client.post(url("comment_add", item), {"body": body}, **HTMX)
    html = client.get(url("comments", item)).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<a href='https://evil" not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<a href="https://kopi.id/promo?a=1&amp;b=" rel="nofollow noopener noreferrer" target="_blank">' in html
    assert 'href="javascript' not in html
    assert "<br>\nbaris dua" in html


def test_an_error_is_shown_in_the_partial_and_the_text_kept(team: Team, item: ContentItem, login: Login) -> None:
    client = login(english(team.user(R.MANAGER)))
    response = client.post(url("comment_add", item), {"body": "   "}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="comment-error"' in html and "Write something" in html
    spoof = SimpleUploadedFile("photo.png", b"<!doctype html><script>alert(1)</script>", content_type="image/png")
    response = client.post(url("comment_add", item), {"body": "Lihat foto", "attachments": [spoof]}, **HTMX)
    html = response.content.decode()
    assert "photo.png cannot be attached" in html and "a web page (HTML)" in html and ">Lihat foto</textarea>" in html
    assert not Comment.objects.exists()


def test_reply_resolve_reopen_and_the_open_all_filter(team: Team, item: ContentItem, login: Login) -> None:
    client = login(english(team.user(R.MANAGER)))
    root = collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="Warna terlalu gelap?")
    html = client.post(url("comment_reply", item, root.pk), {"body": "Kita cerahkan"}, **HTMX).content.decode()
    assert 'data-testid="reply"' in html and "Kita cerahkan" in html
    assert Comment.objects.get(parent=root).author == team.user(R.MANAGER)
    html = client.post(url("comment_resolve", item, root.pk), {"resolved": "1", "show": "open"}, **HTMX).content.decode()
    assert 'data-testid="thread"' not in html and "Everything has been resolved" in html
    assert Comment.objects.get(pk=root.pk).is_resolved
    html = client.get(url("comments", item), {"show": "all"}).content.decode()
    assert 'data-resolved="true"' in html and 'data-testid="resolved-badge"' in html and 'data-testid="reopen"' in html
    client.post(url("comment_resolve", item, root.pk), {"resolved": "0"}, **HTMX)
    assert not Comment.objects.get(pk=root.pk).is_resolved


def test_clients_see_and_comment_only_on_shared_content(team: Team, item: ContentItem, login: Login) -> None:
    client = login(team.user(R.CLIENT))
    assert client.get(url("comments", item)).status_code == 404
    assert client.post(url("comment_add", item), {"body": "Halo"}, **HTMX).status_code == 404
    shared = make_item(team, shared=True)
    assert client.get(url("comments", shared)).status_code == 200
    assert client.post(url("comment_add", shared), {"body": "Halo"}, **HTMX).status_code == 200
    assert Comment.objects.get().item == shared


def test_another_workspace_gets_404(team: Team, other_team: Team, item: ContentItem, login: Login) -> None:
    client = login(other_team.user(R.MANAGER))
    root = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="x")
    assert client.get(url("comments", item)).status_code == 404
    assert client.post(url("comment_resolve", item, root.pk), {"resolved": "1"}).status_code == 404
    assert client.get(url("versions", item)).status_code == 404
    other_item = make_item(other_team)
    own = login(other_team.user(R.MANAGER))
    assert own.post(url("comment_resolve", other_item, root.pk), {"resolved": "1"}).status_code == 404


# Attachments -------------------------------------------------------------------------------------


def test_attachments_are_served_to_members_only(team: Team, other_team: Team, item: ContentItem, login: Login) -> None:
    comment = collab.comment_add(
        actor=team.user(R.DESIGNER),
        item=item,
        body="Opsi",
        attachments=[
            SimpleUploadedFile("opsi.jpeg", png(), content_type="image/jpeg"),
            SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf"),
        ],
    )
    image, pdf = comment.attachments.order_by("pk")
    member = login(team.user(R.MANAGER))
    response = member.get(url("comment_attachment", item, image.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="opsi.png"'
    assert b"".join(response.streaming_content) == png()  # type: ignore[attr-defined]
    download = member.get(url("comment_attachment", item, pdf.pk))
    assert download["Content-Disposition"].startswith("attachment;") and download["Content-Type"] == "application/pdf"
    html = member.get(url("comments", item)).content.decode()
    assert url("comment_attachment", item, image.pk) in html and "/media/attachments/" not in html
    # Not through the media URL, not for other workspaces, not for a client of an unshared item.
    assert member.get("/media/" + image.file.name).status_code == 404
    assert login(other_team.user(R.MANAGER)).get(url("comment_attachment", item, image.pk)).status_code == 404
    assert login(team.user(R.CLIENT)).get(url("comment_attachment", item, image.pk)).status_code == 404
    assert Client().get(url("comment_attachment", item, image.pk)).status_code == 302
    other_item = make_item(team)
    assert member.get(url("comment_attachment", other_item, image.pk)).status_code == 404


def test_attachments_upload_through_the_form(team: Team, item: ContentItem, login: Login) -> None:
    client = login(team.user(R.DESIGNER))
    upload = SimpleUploadedFile("mockup.png", png(), content_type="image/png")
    client.post(url("comment_add", item), {"body": "Mockup", "attachments": [upload]}, **HTMX)
    assert Comment.objects.get().attachments.get().mime_type == "image/png"


# Versions ----------------------------------------------------------------------------------------


def _edit(team: Team, item: ContentItem, text: str, **kwargs: Any) -> None:
    items.content_update(
        actor=team.user(R.CONTENT_CREATOR),
        item=item,
        variants=[{"platform": "instagram", "text": text, "hashtags": ["#kopi"]}],
        **kwargs,
    )


def test_the_versions_page_shows_a_readable_diff(team: Team, item: ContentItem, login: Login) -> None:
    _edit(team, item, "Es kopi aren segar <b>baru</b>", title="Es kopi aren spesial")
    client = login(english(team.user(R.MANAGER)))
    response = client.get(url("versions", item))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="version"') == 2
    assert 'data-a="1" data-b="2"' in html
    assert "<del>susu</del>" in html and "<ins>aren</ins>" in html
    assert "<ins> &lt;b&gt;baru&lt;/b&gt;</ins>" in html
    assert "<ins> spesial</ins>" in html
    assert 'data-testid="restore-form"' in html and "data-confirm=" in html
    partial = client.get(url("versions", item), {"a": "2", "b": "1"}, **HTMX).content.decode()
    assert "<html" not in partial and 'data-a="2" data-b="1"' in partial and "<del>aren</del>" in partial
    same = client.get(url("versions", item), {"a": "2", "b": "2"}).content.decode()
    assert 'data-testid="diff-same"' in same


def test_the_versions_page_of_a_channel_added(team: Team, item: ContentItem, login: Login) -> None:
    items.content_update(
        actor=team.user(R.CONTENT_CREATOR),
        item=item,
        variants=[
            {"platform": "instagram", "text": "Es kopi susu segar", "hashtags": ["#kopi", "#aren"]},
            {"platform": "x", "text": "Halo X"},
        ],
    )
    html = login(english(team.user(R.MANAGER))).get(url("versions", item)).content.decode()
    assert 'data-platform="x" data-status="added"' in html and "<ins>Halo X</ins>" in html
    assert "<ins>#aren</ins>" in html


def test_restore_from_the_page(team: Team, item: ContentItem, login: Login) -> None:
    _edit(team, item, "Versi dua")
    client = login(english(team.user(R.MANAGER)))
    response = client.post(url("version_restore", item, 1))
    assert response.status_code == 302 and response["Location"] == reverse("content:item_detail", args=["kopi", item.pk])
    assert ContentItem.objects.get(pk=item.pk).version == 3
    assert ContentVersion.objects.get(item=item, number=3).data["variants"][0]["text"] == "Es kopi susu segar"
    again = client.post(url("version_restore", item, 3), follow=True)
    assert "nothing to restore" in again.content.decode()
    assert client.post(url("version_restore", item, 99)).status_code == 404


def test_restore_is_refused_without_the_right_to_edit(team: Team, item: ContentItem, login: Login) -> None:
    _edit(team, item, "Versi dua")
    client = login(english(team.user(R.APPROVER)))
    assert 'data-testid="restore-form"' not in client.get(url("versions", item)).content.decode()
    assert client.post(url("version_restore", item, 1)).status_code == 403
    assert ContentItem.objects.get(pk=item.pk).version == 2


def test_versions_are_hidden_from_a_client_of_unshared_content(team: Team, item: ContentItem, login: Login) -> None:
    assert login(team.user(R.CLIENT)).get(url("versions", item)).status_code == 404


# API ---------------------------------------------------------------------------------------------


def api(method: str, path: str, token: str, body: Any = None, **extra: Any) -> Any:
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None and not extra.pop("multipart", False):
        extra.update(content_type="application/json", data=json.dumps(body))
    elif body is not None:
        extra.update(data=body)
    return getattr(client, method)(f"/api/v1{path}", **extra, **headers)


def test_api_comments_threads_and_resolve(team: Team, item: ContentItem, make_token: TokenMaker) -> None:
    type(team.user(R.MANAGER)).objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")  # the assertions read English
    _, token = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    base = f"/workspaces/kopi/content/{item.pk}/comments"
    created = api(
        "post",
        base,
        token,
        {"body": "Cek @designer <b>ya</b>", "attachments": [SimpleUploadedFile("a.png", png())]},
        multipart=True,
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["mentions"] == ["designer@kopi.id"] and data["author"] == "manager@kopi.id"
    assert data["body"] == "Cek @designer <b>ya</b>"
    assert "&lt;b&gt;" in data["body_html"] and '<span class="alur-mention">@designer</span>' in data["body_html"]
    assert data["attachments"][0]["mime_type"] == "image/png"
    reply = api("post", base, token, {"body": "Balasan", "parent_id": str(data["id"])}, multipart=True)
    assert reply.status_code == 201 and reply.json()["parent_id"] == data["id"]
    resolved = api("post", f"{base}/{data['id']}/resolve", token, {"resolved": True})
    assert resolved.status_code == 200 and resolved.json()["is_resolved"] and len(resolved.json()["replies"]) == 1
    assert api("get", base + "?show=open", token).json() == []
    threads = api("get", base, token).json()
    assert [t["id"] for t in threads] == [data["id"]] and threads[0]["resolved_by"] == "manager@kopi.id"
    bad = api("post", base, token, {"body": " "}, multipart=True)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "body"
    spoof = api("post", base, token, {"body": "x", "attachments": [SimpleUploadedFile("a.png", b"<html>")]}, multipart=True)
    assert spoof.status_code == 422 and "cannot be attached" in spoof.json()["detail"][0]["message"]
    reply_id = reply.json()["id"]
    assert api("post", f"{base}/{reply_id}/resolve", token, {"resolved": True}).status_code == 422


def test_api_denials(team: Team, other_team: Team, item: ContentItem, make_token: TokenMaker) -> None:
    base = f"/workspaces/kopi/content/{item.pk}/comments"
    _, read_only = make_token(team.user(R.MANAGER), team.workspace)
    assert api("get", base, read_only).status_code == 200
    assert api("post", base, read_only, {"body": "x"}, multipart=True).status_code == 403
    _, client_token = make_token(team.user(R.CLIENT), team.workspace, scope="write")
    assert api("get", base, client_token).status_code == 404
    _, outsider = make_token(other_team.user(R.MANAGER), other_team.workspace, scope="write")
    assert api("get", base, outsider).status_code == 404
    assert api("get", f"/workspaces/kopi/content/{item.pk}/versions", outsider).status_code == 404


def test_api_versions_diff_and_restore(team: Team, item: ContentItem, make_token: TokenMaker) -> None:
    _edit(team, item, "Es kopi aren segar")
    type(team.user(R.MANAGER)).objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")  # the assertions read English
    _, token = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    base = f"/workspaces/kopi/content/{item.pk}/versions"
    versions = api("get", base, token).json()
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["created_by"] == "content_creator@kopi.id"
    diff = api("get", f"{base}/diff?a=1&b=2", token).json()
    assert diff["identical"] is False and diff["changes"] == []
    (variant,) = diff["variants"]
    text = next(c for c in variant["changes"] if c["field"] == "text")
    assert {"op": "delete", "text": "susu"} in text["segments"] and {"op": "insert", "text": "aren"} in text["segments"]
    assert api("get", f"{base}/diff?a=1&b=9", token).status_code == 404
    restored = api("post", f"{base}/1/restore", token)
    assert restored.status_code == 200 and restored.json()["number"] == 3 and restored.json()["note"] == "Restored version 1"
    assert api("post", f"{base}/3/restore", token).status_code == 422
    _, approver = make_token(team.user(R.APPROVER), team.workspace, scope="write")
    assert api("post", f"{base}/2/restore", approver).status_code == 403


def test_the_versions_page_of_an_item_without_versions_says_what_to_do(team: Team, login: Login) -> None:
    bare = ContentItem.objects.create(
        workspace=team.workspace, title="Ide mentah", owner=team.user(R.MANAGER), created_by=team.user(R.MANAGER)
    )
    response = login(english(team.user(R.MANAGER))).get(url("versions", bare))
    assert response.status_code == 200 and 'data-testid="versions-empty"' in response.content.decode()
