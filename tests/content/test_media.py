"""The media library's services: uploads judged by their bytes (spoofing refused, nothing stored),
size limits at the boundary, duplicates, thumbnails, tags, details, delete, permissions and audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from alur.content.models import ContentItem, ContentVariant, MediaAsset
from alur.content.selectors.media import media_search, media_tags, media_usage, media_visible
from alur.content.services.media import media_delete, media_update, media_upload, normalise_tags
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import Team
from tests.content import media_samples as samples


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    yield root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(team: Team, name: str, data: bytes, *, role: Role = Role.CONTENT_CREATOR, **kwargs: Any) -> MediaAsset:
    return media_upload(actor=team.user(role), workspace=team.workspace, file=SimpleUploadedFile(name, data), **kwargs)


def refusal(call: Callable[[], object]) -> str:
    with pytest.raises(ValidationError) as raised:
        call()
    return " ".join(raised.value.messages)


# Accepted files ------------------------------------------------------------------------------------


def test_a_png_is_stored_under_a_generated_name_with_size_dimensions_and_a_jpeg_thumbnail(team: Team, media_root: Path) -> None:
    data = samples.image_bytes("PNG", (1200, 800))
    asset = upload(
        team, "../../Kopi Susu Launch.png", data, title="  Launch   visual ", tags=["Ramadan", " #Product ", "ramadan"]
    )
    assert asset.pk is not None
    assert (asset.kind, asset.mime_type, asset.size_bytes, asset.width, asset.height) == (
        "image",
        "image/png",
        len(data),
        1200,
        800,
    )
    assert asset.original_name == "Kopi Susu Launch.png"
    assert asset.title == "Launch visual"
    assert asset.tags == ["ramadan", "product"]
    assert asset.file.name.startswith("media/") and asset.file.name.endswith(".png")
    assert "Kopi" not in asset.file.name and ".." not in asset.file.name
    assert (media_root / asset.file.name).read_bytes() == data
    with Image.open(media_root / asset.thumbnail.name) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == 400
        assert thumbnail.size == (400, 267)
    import hashlib

    assert asset.sha256 == hashlib.sha256(data).hexdigest()
    event = AuditEvent.objects.get(action="media.upload")
    assert event.object_id == str(asset.pk)
    assert event.after is not None and event.after["original_name"] == "Kopi Susu Launch.png"


@pytest.mark.parametrize(
    ("fmt", "name", "extension", "mime_type"),
    [
        ("JPEG", "photo.jpeg", "jpg", "image/jpeg"),
        ("GIF", "anim.gif", "gif", "image/gif"),
        ("WEBP", "story.webp", "webp", "image/webp"),
    ],
)
def test_every_accepted_image_format(team: Team, media_root: Path, fmt: str, name: str, extension: str, mime_type: str) -> None:
    asset = upload(team, name, samples.image_bytes(fmt, (64, 48)))
    assert (asset.mime_type, asset.width, asset.height) == (mime_type, 64, 48)
    assert asset.file.name.endswith(f".{extension}")
    assert (media_root / asset.thumbnail.name).exists()


def test_small_images_are_not_enlarged_and_transparency_gives_a_webp_thumbnail(team: Team, media_root: Path) -> None:
    asset = upload(team, "logo.png", samples.image_bytes("PNG", (120, 60), mode="RGBA"))
    with Image.open(media_root / asset.thumbnail.name) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("WEBP", (120, 60))


def test_the_type_comes_from_the_bytes_not_the_name(team: Team) -> None:
    asset = upload(team, "banner.png", samples.image_bytes("JPEG"))
    assert asset.mime_type == "image/jpeg"
    assert asset.file.name.endswith(".jpg")


def test_a_rotated_phone_photo_reports_the_shown_dimensions(team: Team, media_root: Path) -> None:
    asset = upload(team, "upright.jpg", samples.jpeg_with_orientation((800, 600), 6))
    assert (asset.width, asset.height) == (600, 800)
    with Image.open(media_root / asset.thumbnail.name) as thumbnail:
        assert thumbnail.size == (300, 400)


@pytest.mark.parametrize(
    ("name", "data", "mime_type"),
    [
        ("clip.mp4", samples.mp4_bytes(timescale=600, duration=9_000), "video/mp4"),
        ("clip.mov", samples.mp4_bytes(brand=b"qt  ", moov_at_end=True), "video/quicktime"),
    ],
)
def test_videos_get_duration_and_size_and_no_thumbnail(
    team: Team, media_root: Path, name: str, data: bytes, mime_type: str
) -> None:
    asset = upload(team, name, data)
    assert (asset.kind, asset.mime_type, asset.width, asset.height) == ("video", mime_type, 1080, 1920)
    assert asset.duration_seconds == pytest.approx(15.0 if name.endswith("mp4") else 15.5)
    assert not asset.thumbnail
    assert len(stored_files(media_root)) == 1


def test_a_webm_video(team: Team) -> None:
    asset = upload(team, "reel.webm", samples.webm_bytes())
    assert (asset.mime_type, asset.duration_seconds, asset.width) == ("video/webm", pytest.approx(12.345), 1280)


# Refused files: nothing is stored ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "looks"),
    [
        ("photo.jpg", samples.PDF, "a PDF document"),
        ("x.png", samples.HTML, "a web page (HTML)"),
        ("cute-cat.gif", samples.EXE, "a program"),
        ("icon.png", samples.SVG, "an SVG drawing"),
        ("video.mp4", samples.random_bytes(), "data of an unknown kind"),
        ("empty.jpg", b"", "nothing at all"),
        ("IMG_0001.HEIC", samples.mp4_bytes(brand=b"heic"), "a HEIC or AVIF photo"),
        ("song.mp4", samples.mp4_bytes(brand=b"M4A "), "audio"),
        ("film.webm", samples.webm_bytes(doctype=b"matroska"), "a Matroska (MKV) video"),
    ],
)
def test_spoofed_and_unsupported_files_are_refused_and_nothing_is_stored(
    team: Team, media_root: Path, name: str, data: bytes, looks: str
) -> None:
    message = refusal(lambda: upload(team, name, data))
    assert message.startswith(f"{name} is not an image or video Alur accepts (JPEG, PNG, GIF, WebP, MP4, MOV, WebM)")
    assert f"its content looks like {looks}" in message
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []
    assert not AuditEvent.objects.filter(action="media.upload").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.png", samples.image_bytes("PNG", (300, 300))[:120]),
        ("junk.jpg", b"\xff\xd8\xff\xe0" + samples.random_bytes(800)),
        ("fake.gif", b"GIF89a" + samples.HTML),
        ("png-then-html.png", b"\x89PNG\r\n\x1a\n" + samples.HTML),
    ],
)
def test_damaged_images_with_a_right_signature_are_refused(team: Team, media_root: Path, name: str, data: bytes) -> None:
    assert "could not be read as an image" in refusal(lambda: upload(team, name, data))
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_a_video_signature_without_a_movie_header_is_refused(team: Team, media_root: Path) -> None:
    data = samples.box(b"ftyp", b"isom\x00\x00\x02\x00") + samples.HTML
    assert "its header is missing" in refusal(lambda: upload(team, "clip.mp4", data))
    assert stored_files(media_root) == []


def test_decompression_bombs_are_refused(team: Team, media_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from alur.content.services import media

    monkeypatch.setattr(media, "MAX_IMAGE_PIXELS", 100 * 100)
    message = refusal(lambda: upload(team, "huge.png", samples.image_bytes("PNG", (101, 100))))
    assert "101 × 100 pixels" in message
    assert stored_files(media_root) == []
    assert upload(team, "fine.png", samples.image_bytes("PNG", (100, 100))).width == 100


# Size limits ---------------------------------------------------------------------------------------


def test_image_size_limit_at_the_boundary(team: Team, settings: Any, media_root: Path) -> None:
    data = samples.image_bytes("PNG", (40, 40))
    settings.ALUR_MEDIA_MAX_IMAGE_BYTES = len(data) - 1
    message = refusal(lambda: upload(team, "big.png", data))
    limit = len(data) - 1
    assert (
        message
        == f"big.png is {len(data)}\xa0bytes; images may be at most {limit}\xa0bytes. Make it smaller and upload it again."
    )
    assert stored_files(media_root) == []
    settings.ALUR_MEDIA_MAX_IMAGE_BYTES = len(data)
    assert upload(team, "big.png", data).size_bytes == len(data)


def test_video_size_limit_at_the_boundary_and_the_limit_is_per_kind(team: Team, settings: Any) -> None:
    data = samples.mp4_bytes()
    settings.ALUR_MEDIA_MAX_VIDEO_BYTES = len(data) - 1
    settings.ALUR_MEDIA_MAX_IMAGE_BYTES = 10**9
    assert "videos may be at most" in refusal(lambda: upload(team, "clip.mp4", data))
    settings.ALUR_MEDIA_MAX_VIDEO_BYTES = len(data)
    assert upload(team, "clip.mp4", data).kind == "video"


def test_the_limit_holds_while_reading_even_when_the_announced_size_is_wrong(team: Team, settings: Any, media_root: Path) -> None:
    data = samples.mp4_bytes(media=b"\x00" * 5000)
    settings.ALUR_MEDIA_MAX_VIDEO_BYTES = 3000
    file = SimpleUploadedFile("clip.mp4", data)
    file.size = 10  # a client may lie about the size; the bytes read decide
    message = refusal(lambda: media_upload(actor=team.user(Role.CONTENT_CREATOR), workspace=team.workspace, file=file))
    assert "clip.mp4 is larger than 2.9\xa0KB, the most Alur takes for a video" in message
    assert stored_files(media_root) == []


def test_the_default_limits_come_from_the_settings(settings: Any) -> None:
    assert settings.ALUR_MEDIA_MAX_IMAGE_BYTES == 20 * 1024 * 1024
    assert settings.ALUR_MEDIA_MAX_VIDEO_BYTES == 500 * 1024 * 1024


# Duplicates ----------------------------------------------------------------------------------------


def test_the_same_bytes_twice_give_back_the_first_asset_without_a_second_copy(
    team: Team, other_team: Team, media_root: Path
) -> None:
    data = samples.image_bytes("JPEG", (50, 50))
    first = upload(team, "a.jpg", data)
    files_before = stored_files(media_root)
    again = upload(team, "copy of a.jpg", data, role=Role.DESIGNER, title="other")
    assert again.pk == first.pk
    assert again.is_duplicate and not first.is_duplicate
    assert MediaAsset.objects.count() == 1
    assert stored_files(media_root) == files_before
    assert AuditEvent.objects.filter(action="media.upload").count() == 1
    # Another workspace keeps its own copy.
    theirs = upload(other_team, "a.jpg", data)
    assert theirs.pk != first.pk and not theirs.is_duplicate


# Tags and details ----------------------------------------------------------------------------------


def test_tags_are_normalised() -> None:
    assert normalise_tags(" Ramadan, #Promo ,,ramadan, Behind   the  Scenes ") == ["ramadan", "promo", "behind the scenes"]
    assert normalise_tags(["A", "a", " "]) == ["a"]
    assert normalise_tags([f"t{i}" for i in range(20)]) == [f"t{i}" for i in range(20)]
    with pytest.raises(ValidationError, match="at most 20 tags"):
        normalise_tags([f"t{i}" for i in range(21)])
    with pytest.raises(ValidationError, match="too long"):
        normalise_tags(["x" * 41])
    with pytest.raises(ValidationError, match="NUL"):
        normalise_tags(["bad\x00tag"])


def test_update_title_and_tags_with_audit(team: Team) -> None:
    asset = upload(team, "a.png", samples.image_bytes())
    media_update(actor=team.user(Role.DESIGNER), asset=asset, title="Hero", tags="Hero, Launch")
    asset.refresh_from_db()
    assert (asset.title, asset.tags) == ("Hero", ["hero", "launch"])
    event = AuditEvent.objects.get(action="media.update")
    assert event.before == {"title": "", "tags": []}
    assert event.after == {"title": "Hero", "tags": ["hero", "launch"]}
    media_update(actor=team.user(Role.DESIGNER), asset=asset, tags=["hero", "launch"])  # no change, no record
    assert AuditEvent.objects.filter(action="media.update").count() == 1
    with pytest.raises(ValidationError, match="200 characters"):
        media_update(actor=team.user(Role.DESIGNER), asset=asset, title="x" * 201)
    with pytest.raises(ValidationError, match="NUL"):
        media_update(actor=team.user(Role.DESIGNER), asset=asset, title="a\x00")


# Delete --------------------------------------------------------------------------------------------


def attach(team: Team, asset: MediaAsset, title: str = "Ramadan teaser") -> ContentItem:
    owner = team.user(Role.CONTENT_CREATOR)
    item = ContentItem.objects.create(workspace=team.workspace, title=title, owner=owner, created_by=owner)
    variant = ContentVariant.objects.create(item=item, workspace=team.workspace, platform="instagram")
    variant.media.add(asset)
    return item


def test_delete_is_refused_while_content_uses_the_asset(team: Team, media_root: Path) -> None:
    asset = upload(team, "a.png", samples.image_bytes())
    attach(team, asset, "Ramadan teaser")
    attach(team, asset, "Lebaran countdown")
    message = refusal(lambda: media_delete(actor=team.user(Role.CONTENT_CREATOR), asset=asset))
    assert "is used by “Lebaran countdown”, “Ramadan teaser”" in message
    assert MediaAsset.objects.filter(pk=asset.pk).exists()
    assert len(stored_files(media_root)) == 2


def test_delete_removes_row_and_files_after_commit(team: Team, media_root: Path, django_capture_on_commit_callbacks: Any) -> None:
    asset = upload(team, "a.png", samples.image_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        media_delete(actor=team.user(Role.MANAGER), asset=asset)
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []
    event = AuditEvent.objects.get(action="media.delete")
    assert event.before is not None and event.before["original_name"] == "a.png"


# Permissions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLIENT, Role.APPROVER, Role.DATA_ANALYST])
def test_roles_that_do_not_make_content_cannot_upload(team: Team, media_root: Path, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        upload(team, "a.png", samples.image_bytes(), role=role)
    assert stored_files(media_root) == []


def test_a_member_of_another_workspace_cannot_upload_edit_or_delete(team: Team, other_team: Team) -> None:
    stranger = other_team.user(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        media_upload(actor=stranger, workspace=team.workspace, file=SimpleUploadedFile("a.png", samples.image_bytes()))
    asset = upload(team, "a.png", samples.image_bytes())
    with pytest.raises(PermissionDenied):
        media_update(actor=stranger, asset=asset, title="mine")
    with pytest.raises(PermissionDenied):
        media_delete(actor=stranger, asset=asset)


def test_a_contractor_edits_their_own_uploads_only(team: Team) -> None:
    contractor = team.user(Role.CONTRACTOR)
    own = upload(team, "own.png", samples.image_bytes(), role=Role.CONTRACTOR)
    media_update(actor=contractor, asset=own, title="Mine")
    teams = upload(team, "team.png", samples.image_bytes("PNG", (10, 10)))
    with pytest.raises(PermissionDenied):
        media_update(actor=contractor, asset=teams, title="Not mine")
    with pytest.raises(PermissionDenied):
        media_delete(actor=team.user(Role.STRATEGIST), asset=teams)


def test_a_contractor_who_cannot_see_the_existing_copy_gets_their_own(team: Team) -> None:
    data = samples.image_bytes()
    teams = upload(team, "a.png", data)
    mine = upload(team, "a.png", data, role=Role.CONTRACTOR)
    assert mine.pk != teams.pk and not mine.is_duplicate
    assert list(media_visible(team.membership(Role.CONTRACTOR))) == [mine]


# Selectors -----------------------------------------------------------------------------------------


def test_search_by_title_or_file_name_kind_and_exact_tag(team: Team) -> None:
    a = upload(team, "kopi-susu.png", samples.image_bytes("PNG", (10, 10)), title="Hero shot", tags=["ramadan", "product"])
    b = upload(team, "teaser.mp4", samples.mp4_bytes(), tags=["ramadan"])
    c = upload(team, "team.jpg", samples.image_bytes("JPEG", (12, 12)), tags=["ramadan-2027"])
    w = team.workspace
    assert set(media_search(w, q="HERO")) == {a}
    assert set(media_search(w, q="susu")) == {a}
    assert set(media_search(w, kind="video")) == {b}
    assert set(media_search(w, tag="Ramadan")) == {a, b}  # exact tag, not "ramadan-2027"
    assert set(media_search(w, q="t", kind="image", tag="ramadan-2027")) == {c}
    assert set(media_search(w, kind="bogus")) == {a, b, c}
    assert media_tags(w) == [("ramadan", 2), ("product", 1), ("ramadan-2027", 1)]


def test_usage_lists_the_items_and_clients_see_only_shared_media(team: Team, other_team: Team) -> None:
    asset = upload(team, "a.png", samples.image_bytes())
    hidden = upload(team, "b.png", samples.image_bytes("PNG", (9, 9)))
    item = attach(team, asset)
    assert list(media_usage(asset)) == [item]
    assert list(media_usage(hidden)) == []
    client = team.membership(Role.CLIENT)
    assert list(media_visible(client)) == []
    item.is_shared_with_clients = True
    item.save()
    assert list(media_visible(client)) == [asset]
    assert list(media_search(other_team.workspace)) == []


def test_a_large_upload_is_hashed_a_chunk_at_a_time(team: Team, media_root: Path) -> None:
    """A file Django spooled to disk is read one megabyte at a time, never whole."""
    from alur.content.services import media

    reads: list[int] = []
    data = samples.mp4_bytes(media=b"\x00" * (3 * media.CHUNK_SIZE))

    class Counting(TemporaryUploadedFile):
        def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
            for chunk in super().chunks(chunk_size):
                reads.append(len(chunk))
                yield chunk

    file = Counting("big.mp4", "video/mp4", len(data), None)
    file.write(data)
    file.seek(0)
    asset = media_upload(actor=team.user(Role.CONTENT_CREATOR), workspace=team.workspace, file=file)
    file.close()  # as Django does at the end of a request (the file was moved into the storage)
    assert reads and max(reads) <= media.CHUNK_SIZE
    assert (media_root / asset.file.name).stat().st_size == len(data)
    assert asset.duration_seconds == pytest.approx(15.5)
