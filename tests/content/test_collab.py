"""Collaboration services: comments, replies, @mentions and their notifications, attachments judged by
their bytes, resolving threads, comments through a client review link, restoring a version."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from alur.accounts import services as accounts
from alur.accounts.models import User
from alur.content.models import ClientReviewLink, Comment, CommentAttachment, ContentItem, ContentVersion, MediaAsset
from alur.content.services import collab, items
from alur.content.templatetags.alur_collab import render_comment_body
from alur.core.models import AuditEvent, Notification
from alur.core.roles import Role
from tests.conftest import Team

R = Role


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    yield root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def png(size: tuple[int, int] = (8, 6)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (15, 118, 110)).save(output, "PNG")
    return output.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_item(team: Team, *, shared: bool = False, owner: User | None = None) -> ContentItem:
    return items.content_create(
        actor=team.user(R.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Es kopi aren",
        owner=owner,
        variants=[{"platform": "instagram", "text": "Es kopi susu segar untuk pagi ini."}],
        is_shared_with_clients=shared,
    )


@pytest.fixture
def item(team: Team) -> ContentItem:
    return make_item(team)


def notices(user: User, kind: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient=user)
    return list(found.filter(kind=kind) if kind else found)


# Comments and their text -------------------------------------------------------------------------


def test_a_comment_is_stored_as_trimmed_plain_text_and_audited(team: Team, item: ContentItem) -> None:
    author = team.user(R.SOCIAL_MEDIA_SPECIALIST)
    comment = collab.comment_add(actor=author, item=item, body="  <b>Bagus</b>, tapi cek harga.\r\n  ")
    assert comment.body == "<b>Bagus</b>, tapi cek harga."
    assert comment.author == author and comment.author_label == author.display_name
    assert comment.workspace_id == team.workspace.pk and comment.parent is None
    event = AuditEvent.objects.get(action="content.comment", object_id=str(comment.pk))
    assert event.actor == author and event.after["item"] == item.pk


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write something"), ("   \n ", "Write something"), ("a\x00b", "NUL"), ("x" * 5001, "under 5000")],
)
def test_bad_bodies_are_refused_and_nothing_is_written(team: Team, item: ContentItem, body: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        collab.comment_add(actor=team.user(R.MANAGER), item=item, body=body)
    assert not Comment.objects.exists()
    assert not AuditEvent.objects.filter(action="content.comment").exists()


def test_the_longest_body_is_accepted(team: Team, item: ContentItem) -> None:
    assert len(collab.comment_add(actor=team.user(R.MANAGER), item=item, body="x" * 5000).body) == 5000


def test_the_owner_is_told_of_a_new_comment_but_not_of_their_own(team: Team, item: ContentItem) -> None:
    owner = team.user(R.CONTENT_CREATOR)
    collab.comment_add(actor=owner, item=item, body="Catatan untuk diri sendiri")
    assert notices(owner) == []
    comment = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="Ganti fotonya ya")
    (notice,) = notices(owner)
    assert notice.kind == "comment" and notice.dedupe_key == f"comment:{comment.pk}:{owner.pk}"
    assert notice.url == f"/w/kopi/content/{item.pk}/#comments"
    assert "Ganti fotonya ya" in notice.message and item.title in notice.message


# Mentions ----------------------------------------------------------------------------------------


def test_mentions_by_local_part_or_full_email_notify_each_member_once(team: Team, item: ContentItem) -> None:
    designer, analyst = team.user(R.DESIGNER), team.user(R.DATA_ANALYST)
    comment = collab.comment_add(
        actor=team.user(R.MANAGER), item=item, body="@DESIGNER tolong cek, cc @data_analyst@KOPI.id dan @designer lagi."
    )
    assert set(comment.mentions.all()) == {designer, analyst}
    (mention,) = notices(designer)
    assert mention.kind == "mention" and mention.dedupe_key == f"mention:{comment.pk}:{designer.pk}"
    assert mention.url == f"/w/kopi/content/{item.pk}/#comments"
    assert len(notices(analyst, "mention")) == 1
    # The owner was not mentioned: told of the comment, once.
    assert [n.kind for n in notices(team.user(R.CONTENT_CREATOR))] == ["comment"]


def test_a_mentioned_owner_gets_the_mention_only_and_the_author_nothing(team: Team, item: ContentItem) -> None:
    manager, owner = team.user(R.MANAGER), team.user(R.CONTENT_CREATOR)
    collab.comment_add(actor=manager, item=item, body="@content_creator dan saya sendiri @manager")
    assert [n.kind for n in notices(owner)] == ["mention"]
    assert notices(manager) == []


def test_mention_notices_are_deduplicated(team: Team, item: ContentItem) -> None:
    from alur.core.notifications import notify

    designer = team.user(R.DESIGNER)
    comment = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="@designer cek")
    again = notify(
        workspace=team.workspace,
        recipients=[designer],
        kind="mention",
        message="x",
        dedupe_key=f"mention:{comment.pk}:{designer.pk}",
    )
    assert again == [] and len(notices(designer)) == 1


def test_unknown_handles_stay_plain_text(team: Team, item: ContentItem) -> None:
    comment = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="Tag akun @kopikita_official dan email budi@kopi.id")
    assert comment.mentions.count() == 0


def test_a_local_part_shared_by_two_members_asks_for_the_full_email(
    team: Team, item: ContentItem, make_user: Callable[..., User]
) -> None:
    twin = make_user("designer@agency.id")
    accounts.membership_add(actor=team.user(R.MANAGER), workspace=team.workspace, user=twin, role=R.DESIGNER)
    with pytest.raises(ValidationError, match="more than one member"):
        collab.comment_add(actor=team.user(R.MANAGER), item=item, body="@designer?")
    comment = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="@designer@agency.id tolong")
    assert list(comment.mentions.all()) == [twin]


def test_a_client_may_be_mentioned_only_on_content_shared_with_clients(team: Team) -> None:
    client = team.user(R.CLIENT)
    private = make_item(team)
    with pytest.raises(ValidationError, match="cannot open this content"):
        collab.comment_add(actor=team.user(R.MANAGER), item=private, body="@client lihat ini")
    assert not Comment.objects.exists() and notices(client) == []
    shared = make_item(team, shared=True)
    collab.comment_add(actor=team.user(R.MANAGER), item=shared, body="@client@kopi.id mohon dicek", for_client=True)
    assert [n.kind for n in notices(client)] == ["mention"]
    assert client in [m.user for m in collab.mentionable(shared)]
    assert client not in [m.user for m in collab.mentionable(private)]


def test_a_contractor_may_be_mentioned_only_on_content_assigned_to_them(team: Team) -> None:
    contractor = team.user(R.CONTRACTOR)
    with pytest.raises(ValidationError, match="cannot open"):
        collab.comment_add(actor=team.user(R.MANAGER), item=make_item(team), body="@contractor")
    mine = make_item(team, owner=contractor)
    collab.comment_add(actor=team.user(R.MANAGER), item=mine, body="@contractor revisi ya")
    assert [n.kind for n in notices(contractor)] == ["mention"]


def test_mention_emails_are_sent(team: Team, item: ContentItem, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        collab.comment_add(actor=team.user(R.MANAGER), item=item, body="@designer tolong ganti fotonya")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["content_creator@kopi.id", "designer@kopi.id"]
    to_designer = next(m for m in mail.outbox if m.to == ["designer@kopi.id"])
    assert f"/w/kopi/content/{item.pk}/#comments" in to_designer.body


# Replies -----------------------------------------------------------------------------------------


def test_replies_are_one_level_deep_and_tell_the_thread_author(team: Team, item: ContentItem) -> None:
    manager, designer = team.user(R.MANAGER), team.user(R.DESIGNER)
    root = collab.comment_add(actor=designer, item=item, body="Fotonya terlalu gelap?")
    reply = collab.comment_add(actor=manager, item=item, body="Setuju", parent=root)
    deeper = collab.comment_add(actor=team.user(R.STRATEGIST), item=item, body="Saya juga", parent=reply)
    assert reply.parent == root and deeper.parent == root
    assert [n.kind for n in notices(designer)] == ["reply", "reply"]


def test_a_reply_to_a_comment_of_another_item_is_refused(team: Team, item: ContentItem) -> None:
    elsewhere = collab.comment_add(actor=team.user(R.MANAGER), item=make_item(team), body="Lain")
    with pytest.raises(ValidationError, match="this content"):
        collab.comment_add(actor=team.user(R.MANAGER), item=item, body="Balasan", parent=elsewhere)


# Permissions -------------------------------------------------------------------------------------


def test_a_client_cannot_comment_on_content_not_shared_with_them(team: Team, item: ContentItem) -> None:
    with pytest.raises(PermissionDenied, match="not been assigned to or shared"):
        collab.comment_add(actor=team.user(R.CLIENT), item=item, body="Halo")
    shared = make_item(team, shared=True)
    assert collab.comment_add(actor=team.user(R.CLIENT), item=shared, body="Halo").author == team.user(R.CLIENT)


def test_a_member_of_another_workspace_cannot_comment(team: Team, other_team: Team, item: ContentItem) -> None:
    with pytest.raises(PermissionDenied):
        collab.comment_add(actor=other_team.user(R.MANAGER), item=item, body="Halo")


# Attachments -------------------------------------------------------------------------------------


def test_images_and_pdfs_are_stored_under_generated_names(team: Team, item: ContentItem, media_root: Path) -> None:
    comment = collab.comment_add(
        actor=team.user(R.DESIGNER),
        item=item,
        body="Dua opsi",
        attachments=[upload("opsi A.png", png()), upload("brief.pdf", PDF, "application/pdf")],
    )
    first, second = comment.attachments.order_by("pk")
    assert (first.original_name, first.mime_type, second.mime_type) == ("opsi A.png", "image/png", "application/pdf")
    assert first.size_bytes == len(png())
    assert first.file.name.startswith("attachments/") and first.file.name.endswith(".png")
    assert "opsi" not in first.file.name
    assert len(stored_files(media_root)) == 2
    assert AuditEvent.objects.get(action="content.comment").after["attachments"] == ["opsi A.png", "brief.pdf"]


@pytest.mark.parametrize(
    ("name", "data", "looks"),
    [
        ("photo.png", b"<!doctype html><script>alert(1)</script>", "a web page"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 60, "a program"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "an SVG drawing"),
        ("clip.png", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40, "a video"),
        ("notes.pdf", b"just some text pretending", "plain text"),
    ],
)
def test_spoofed_attachments_are_refused_with_what_they_look_like(
    team: Team, item: ContentItem, media_root: Path, name: str, data: bytes, looks: str
) -> None:
    with pytest.raises(ValidationError) as error:
        collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="Lihat", attachments=[upload(name, data)])
    message = " ".join(error.value.messages)
    assert name in message and looks in message and "images and PDFs" in message
    assert not Comment.objects.exists() and stored_files(media_root) == []


def test_a_damaged_image_is_refused(team: Team, item: ContentItem) -> None:
    with pytest.raises(ValidationError, match="could not be read"):
        collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="x", attachments=[upload("a.png", png()[:40])])


def test_attachment_size_and_count_limits(team: Team, item: ContentItem, settings: Any, media_root: Path) -> None:
    data = png()
    settings.ALUR_COMMENT_ATTACHMENT_MAX_BYTES = len(data)
    collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="pas", attachments=[upload("a.png", data)])
    settings.ALUR_COMMENT_ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError, match="larger than"):
        collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="terlalu besar", attachments=[upload("b.png", data)])
    with pytest.raises(ValidationError, match="at most 5"):
        collab.comment_add(
            actor=team.user(R.DESIGNER), item=item, body="banyak", attachments=[upload(f"{n}.pdf", PDF) for n in range(6)]
        )
    assert collab.MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
    assert Comment.objects.count() == 1 and CommentAttachment.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_files_are_removed_when_the_comment_fails_after_storing(
    team: Team, item: ContentItem, media_root: Path, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(collab, "audit_record", broken)
    with pytest.raises(RuntimeError):
        collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="x", attachments=[upload("a.png", png())])
    assert stored_files(media_root) == [] and not Comment.objects.exists()


# Resolving ---------------------------------------------------------------------------------------


def test_resolve_and_reopen_a_thread_are_audited(team: Team, item: ContentItem) -> None:
    manager = team.user(R.MANAGER)
    root = collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="Ganti warna?")
    resolved = collab.comment_resolve(actor=manager, comment=root, resolved=True)
    assert resolved.is_resolved and resolved.resolved_by == manager
    collab.comment_resolve(actor=manager, comment=root, resolved=True)  # already resolved: nothing to record
    reopened = collab.comment_resolve(actor=team.user(R.DESIGNER), comment=root, resolved=False)
    assert not reopened.is_resolved and reopened.resolved_by is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(root.pk), action__startswith="content.comment_").values_list("action", flat=True)
    )
    assert sorted(actions) == ["content.comment_reopen", "content.comment_resolve"]


def test_a_reply_cannot_be_resolved_on_its_own(team: Team, item: ContentItem) -> None:
    root = collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="?")
    reply = collab.comment_add(actor=team.user(R.MANAGER), item=item, body="!", parent=root)
    with pytest.raises(ValidationError, match="first comment"):
        collab.comment_resolve(actor=team.user(R.MANAGER), comment=reply, resolved=True)


def test_a_client_cannot_resolve_a_thread_on_content_not_shared_with_them(team: Team, item: ContentItem) -> None:
    root = collab.comment_add(actor=team.user(R.DESIGNER), item=item, body="?")
    with pytest.raises(PermissionDenied):
        collab.comment_resolve(actor=team.user(R.CLIENT), comment=root, resolved=True)


# Client review links -----------------------------------------------------------------------------


def _link(item: ContentItem, **kwargs: Any) -> ClientReviewLink:
    values: dict[str, Any] = {
        "item": item,
        "workspace": item.workspace,
        "reviewer_name": "Sari (PT Klien)",
        "reviewer_email": "sari@klien.id",
        "expires_at": timezone.now() + dt.timedelta(days=3),
    }
    values.update(kwargs)
    return ClientReviewLink.objects.create(**values)


def test_a_comment_through_a_review_link_names_the_reviewer(team: Team, item: ContentItem) -> None:
    link = _link(item)
    comment = collab.comment_add_from_link(link=link, body="Logonya kurang besar")
    assert comment.author is None and comment.client_link == link and comment.author_label == "Sari (PT Klien)"
    assert [n.kind for n in notices(team.user(R.CONTENT_CREATOR))] == ["comment"]
    event = AuditEvent.objects.get(action="content.comment", object_id=str(comment.pk))
    assert event.actor is None and event.after["author"] == "Sari (PT Klien)"
    reply = collab.comment_add(actor=team.user(R.CONTENT_CREATOR), item=item, body="Siap", parent=comment)
    assert reply.parent == comment


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"revoked_at": timezone.now()}, "withdrawn"), ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expired")],
)
def test_a_withdrawn_or_expired_link_cannot_comment(team: Team, item: ContentItem, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(PermissionDenied, match=message):
        collab.comment_add_from_link(link=_link(item, **changes), body="Halo")
    assert not Comment.objects.exists()


# Restoring versions ------------------------------------------------------------------------------


def _text(item: ContentItem) -> str:
    return ContentItem.objects.get(pk=item.pk).variants.get().text


def test_restore_brings_an_old_version_back_as_a_new_one(team: Team, item: ContentItem) -> None:
    creator = team.user(R.CONTENT_CREATOR)
    items.content_update(
        actor=creator, item=item, title="Es kopi aren v2", variants=[{"platform": "instagram", "text": "Versi dua"}]
    )
    items.content_update(
        actor=creator, item=item, variants=[{"platform": "instagram", "text": "Versi tiga"}, {"platform": "x", "text": "X"}]
    )
    restored = collab.version_restore(actor=team.user(R.MANAGER), item=item, number=1)
    assert restored.version == 4 and restored.title == "Es kopi aren"
    assert _text(item) == "Es kopi susu segar untuk pagi ini."
    assert list(restored.variants.values_list("platform", flat=True)) == ["instagram"]
    latest = ContentVersion.objects.get(item=item, number=4)
    assert latest.note == "Restored version 1" and latest.data == ContentVersion.objects.get(item=item, number=1).data
    assert latest.created_by == team.user(R.MANAGER)
    event = AuditEvent.objects.get(action="content.restore")
    assert event.after == {"restored": 1, "version": 4}


def test_restore_refuses_a_missing_version_and_a_no_op(team: Team, item: ContentItem) -> None:
    with pytest.raises(ValidationError, match="no version 7"):
        collab.version_restore(actor=team.user(R.MANAGER), item=item, number=7)
    with pytest.raises(ValidationError, match="already matches version 1"):
        collab.version_restore(actor=team.user(R.MANAGER), item=item, number=1)
    assert ContentVersion.objects.filter(item=item).count() == 1
    assert not AuditEvent.objects.filter(action__in=["content.restore", "content.update"]).exists()


def test_restore_needs_the_right_to_edit(team: Team, item: ContentItem) -> None:
    items.content_update(actor=team.user(R.CONTENT_CREATOR), item=item, variants=[{"platform": "instagram", "text": "Baru"}])
    for role in (R.APPROVER, R.CLIENT, R.DATA_ANALYST):
        with pytest.raises(PermissionDenied):
            collab.version_restore(actor=team.user(role), item=item, number=1)
    assert _text(item) == "Baru"


def test_restore_leaves_out_media_deleted_since(team: Team, item: ContentItem) -> None:
    creator = team.user(R.CONTENT_CREATOR)
    asset = MediaAsset.objects.create(
        workspace=team.workspace, original_name="a.png", kind="image", mime_type="image/png", sha256="0" * 64, uploaded_by=creator
    )
    items.content_update(
        actor=creator, item=item, variants=[{"platform": "instagram", "text": "Dengan foto", "media_ids": [asset.pk]}]
    )
    items.content_update(actor=creator, item=item, variants=[{"platform": "instagram", "text": "Tanpa foto"}])
    asset.delete()
    restored = collab.version_restore(actor=creator, item=item, number=2)
    variant = restored.variants.get()
    assert variant.text == "Dengan foto" and list(variant.media.all()) == []


# Rendering ---------------------------------------------------------------------------------------

_OUR_TAGS = re.compile(
    r'<a href="https?://[^"<>]*" rel="nofollow noopener noreferrer" target="_blank">'
    r'|</a>|<span class="alur-mention">|</span>|<br>'
)
_PIECES = [*"<>&\"'/=@ab:.()\n ", "https://", "javascript:", "<script>", "@budi", "budi@kopi.id", "&amp;"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join) | st.text(max_size=40))
@hypothesis_settings(max_examples=300)
def test_rendered_comments_contain_no_markup_but_ours(body: str) -> None:
    html = str(render_comment_body(body, ["budi@kopi.id"]))
    remainder = _OUR_TAGS.sub("", html)
    assert "<" not in remainder and ">" not in remainder and '"' not in remainder
    assert 'href="javascript' not in html
    assert unescape(re.sub(r"<[^>]+>", "", html.replace("<br>\n", "\n"))) == body.replace("\r\n", "\n")
