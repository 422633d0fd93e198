"""Writes of the media library: upload, change details, delete.

An upload is judged by its bytes, never its name: the first bytes say what it is (:mod:`alur.content.sniff`),
so a PDF, a program or a web page named ``photo.jpg`` is refused. It is then measured against the
size limit while its SHA-256 is computed chunk by chunk (a 500 MB video is never read into memory at
once); the same bytes already in the workspace's library give back the existing asset instead of a
second copy. Images are verified and decoded by Pillow (with a decompression-bomb limit) and get a
thumbnail of at most 400 px; videos get their duration and frame size from the container
(:mod:`alur.content.mediainfo`). Files are stored under a generated name with the extension of the
type found; the uploader's file name is kept only as a label. Nothing is stored for a refused file.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from collections.abc import Iterable
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.content.mediainfo import video_info
from alur.content.models import MediaAsset
from alur.content.selectors.media import media_duplicate, media_usage
from alur.content.sniff import DESCRIBE_BYTES, Sniffed, describe, sniff
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, decide, require
from alur.core.validation import refuse_nul_characters

ACCEPTED_EXTENSIONS = ("jpg", "png", "gif", "webp", "mp4", "mov", "webm")
ACCEPTED_LABEL = "JPEG, PNG, GIF, WebP, MP4, MOV, WebM"
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
THUMBNAIL_SIZE = 400
# Pillow's own decompression-bomb threshold (about 89 million pixels, a 9,450 × 9,450 image): more
# pixels than any platform takes, and a small file that decodes to gigabytes of memory is an attack.
MAX_IMAGE_PIXELS = int(Image.MAX_IMAGE_PIXELS or 89_478_485)
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_TITLE_LENGTH = 200
CHUNK_SIZE = 1024 * 1024
AUDIT_FIELDS = ("original_name", "title", "kind", "mime_type", "size_bytes", "sha256", "tags")

LOOKS_LIKE: dict[str, str | Promise] = {
    "empty": gettext_lazy("nothing at all (the file is empty)"),
    "pdf": gettext_lazy("a PDF document"),
    "html": gettext_lazy("a web page (HTML)"),
    "svg": gettext_lazy("an SVG drawing"),
    "xml": gettext_lazy("an XML document"),
    "exe": gettext_lazy("a program"),
    "elf": gettext_lazy("a program"),
    "script": gettext_lazy("a script"),
    "zip": gettext_lazy("a ZIP archive (or an Office document)"),
    "gzip": gettext_lazy("a compressed archive"),
    "rar": gettext_lazy("a compressed archive"),
    "7z": gettext_lazy("a compressed archive"),
    "bmp": gettext_lazy("a BMP image (export it as PNG or JPEG)"),
    "tiff": gettext_lazy("a TIFF image (export it as PNG or JPEG)"),
    "ico": gettext_lazy("an icon file"),
    "psd": gettext_lazy("a Photoshop document (export it as PNG or JPEG)"),
    "heif": gettext_lazy("a HEIC or AVIF photo (export it as JPEG)"),
    "mkv": gettext_lazy("a Matroska (MKV) video (convert it to MP4)"),
    "audio": gettext_lazy("audio"),
    "mp3": gettext_lazy("audio"),
    "wav": gettext_lazy("audio"),
    "text": gettext_lazy("plain text"),
    "unknown": gettext_lazy("data of an unknown kind"),
}


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def clean_file_name(raw: str | None) -> str:
    """The uploader's file name as a label: no folders, no control characters, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in name if character.isprintable()).strip()
    return (name or _("upload"))[:255]


def normalise_tags(tags: Iterable[str] | str) -> list[str]:
    """Tags as Alur keeps them: trimmed, lowercase, without a leading #, single spaces, no duplicates,
    in the order given. A string is split at commas. Refuses more than :data:`MAX_TAGS` or tags longer
    than :data:`MAX_TAG_LENGTH` characters."""
    raw = tags.split(",") if isinstance(tags, str) else list(tags)
    clean: list[str] = []
    for tag in raw:
        if not isinstance(tag, str):
            raise ValidationError({"tags": _("Tags are words or short phrases, separated by commas.")})
        refuse_nul_characters(tags=tag)
        value = " ".join(tag.replace(",", " ").split()).lstrip("#").strip().lower()
        if not value:
            continue
        if len(value) > MAX_TAG_LENGTH:
            raise ValidationError(
                {
                    "tags": _("The tag “%(tag)s…” is too long; keep tags to %(n)s characters.")
                    % {"tag": value[:20], "n": MAX_TAG_LENGTH}
                }
            )
        if value not in clean:
            clean.append(value)
    if len(clean) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(n)s tags (you gave %(count)s).") % {"n": MAX_TAGS, "count": len(clean)}})
    return clean


def _clean_title(title: str) -> str:
    refuse_nul_characters(title=title)
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError({"title": _("Keep the title to %(n)s characters.") % {"n": MAX_TITLE_LENGTH}})
    return title


def _size_limit(kind: str) -> int:
    return int(settings.ALUR_MEDIA_MAX_IMAGE_BYTES if kind == "image" else settings.ALUR_MEDIA_MAX_VIDEO_BYTES)


def _too_big(name: str, kind: str, size: int | None, limit: int) -> ValidationError:
    values = {"name": name, "size": filesizeformat(size or 0), "limit": filesizeformat(limit)}
    if size is None:
        message = (
            _("%(name)s is larger than %(limit)s, the most Alur takes for an image. Make it smaller and upload it again.")
            if kind == "image"
            else _(
                "%(name)s is larger than %(limit)s, the most Alur takes for a video. Shorten or compress it and upload it again."
            )
        )
    elif kind == "image":
        message = _("%(name)s is %(size)s; images may be at most %(limit)s. Make it smaller and upload it again.")
    else:
        message = _("%(name)s is %(size)s; videos may be at most %(limit)s. Shorten or compress it and upload it again.")
    return _refuse(message % values)


def _sniffed(name: str, head: bytes) -> Sniffed:
    found = sniff(head)
    if found is None or found.extension not in ACCEPTED_EXTENSIONS:
        looks = LOOKS_LIKE.get(describe(head), LOOKS_LIKE["unknown"])
        raise _refuse(
            _("%(name)s is not an image or video Alur accepts (%(accepted)s); its content looks like %(looks)s.")
            % {"name": name, "accepted": ACCEPTED_LABEL, "looks": looks}
        )
    return found


def _digest(file: UploadedFile, *, name: str, kind: str, limit: int) -> tuple[str, int]:
    """SHA-256 and size, read a chunk at a time; refuses as soon as the size passes ``limit``."""
    sha = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _too_big(name, kind, None, limit)
        sha.update(chunk)
    return sha.hexdigest(), size


class _Picture:
    def __init__(self, width: int, height: int, thumbnail: bytes, thumbnail_extension: str) -> None:
        self.width = width
        self.height = height
        self.thumbnail = thumbnail
        self.thumbnail_extension = thumbnail_extension


def _damaged(name: str) -> ValidationError:
    return _refuse(_("%(name)s could not be read as an image; it may be damaged or cut short. Export it again.") % {"name": name})


def _inspect_image(file: UploadedFile, found: Sniffed, name: str) -> _Picture:
    """Verify the image with Pillow, measure it (as shown, after its EXIF orientation) and make a
    thumbnail: JPEG, or WebP when the image has transparency."""
    formats = [PILLOW_FORMATS[found.extension]]
    stream = cast(BinaryIO, file)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            file.seek(0)
            with Image.open(stream, formats=formats) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(name, width, height)
                image.verify()
            file.seek(0)
            with Image.open(stream, formats=formats) as image:
                orientation = image.getexif().get(0x0112)
                image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))  # JPEG: decode at a reduced scale
                picture = ImageOps.exif_transpose(image) or image
                picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
                output = io.BytesIO()
                if has_alpha:
                    picture.convert("RGBA").save(output, "WEBP", quality=80)
                    extension = "webp"
                else:
                    picture.convert("RGB").save(output, "JPEG", quality=82, optimize=True, progressive=True)
                    extension = "jpg"
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name, None, None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, KeyError):
            raise _damaged(name) from None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return _Picture(width, height, output.getvalue(), extension)


def _too_many_pixels(name: str, width: int | None, height: int | None) -> ValidationError:
    limit = MAX_IMAGE_PIXELS // 1_000_000
    if width and height:
        message = _(
            "%(name)s is %(width)s × %(height)s pixels; Alur takes images of up to %(limit)s megapixels. Resize it first."
        )
    else:
        message = _("%(name)s has more pixels than Alur takes (%(limit)s megapixels). Resize it first.")
    return _refuse(message % {"name": name, "width": width, "height": height, "limit": limit})


def media_upload(
    *, actor: User, workspace: Workspace, file: UploadedFile, title: str = "", tags: Iterable[str] | str = ()
) -> MediaAsset:
    """Add an image or video to the workspace's library. When the same bytes are already there, the
    existing asset comes back with ``is_duplicate`` set and nothing is written."""
    membership = membership_of(actor, workspace)
    require(actor, membership, Action.CONTENT_CREATE)
    name = clean_file_name(file.name)
    title = _clean_title(title)
    clean_tags = normalise_tags(tags)
    file.seek(0)
    found = _sniffed(name, file.read(DESCRIBE_BYTES))
    limit = _size_limit(found.kind)
    if file.size is not None and file.size > limit:
        raise _too_big(name, found.kind, file.size, limit)
    sha256, size = _digest(file, name=name, kind=found.kind, limit=limit)
    existing = media_duplicate(workspace, sha256)
    # A contractor who cannot see the existing copy gets their own, rather than an asset they cannot open.
    if existing is not None and decide(actor, membership, Action.CONTENT_VIEW, existing):
        existing.is_duplicate = True
        return existing
    asset = MediaAsset(
        workspace=workspace,
        original_name=name,
        title=title,
        kind=found.kind,
        mime_type=found.mime_type,
        size_bytes=size,
        tags=clean_tags,
        sha256=sha256,
        uploaded_by=actor,
    )
    picture: _Picture | None = None
    if found.kind == MediaAsset.Kind.IMAGE:
        picture = _inspect_image(file, found, name)
        asset.width, asset.height = picture.width, picture.height
    else:
        file.seek(0)
        info = video_info(cast(BinaryIO, file), found.extension)
        if not info.has_header:
            raise _refuse(
                _("%(name)s starts like a video but its header is missing; it may be damaged or cut short. Export it again.")
                % {"name": name}
            )
        asset.duration_seconds, asset.width, asset.height = info.duration_seconds, info.width, info.height
    _store(actor, asset, file, found, picture)
    return asset


def _store(actor: User, asset: MediaAsset, file: UploadedFile, found: Sniffed, picture: _Picture | None) -> None:
    """Save the file (and thumbnail) under generated names, then the row and its audit record; when
    anything fails, remove the files again so nothing is left behind."""
    stem = uuid.uuid4().hex
    stored: list[str] = []
    try:
        file.seek(0)
        asset.file.save(f"{stem}.{found.extension}", file, save=False)
        stored.append(asset.file.name or "")
        if picture is not None:
            asset.thumbnail.save(f"{stem}.{picture.thumbnail_extension}", ContentFile(picture.thumbnail), save=False)
            stored.append(asset.thumbnail.name or "")
        with transaction.atomic():
            asset.save()
            audit_record(
                actor=actor, workspace=asset.workspace, action="media.upload", obj=asset, after=snapshot(asset, AUDIT_FIELDS)
            )
    except BaseException:
        for stored_name in filter(None, stored):
            asset.file.storage.delete(stored_name)
        raise


def media_update(
    *, actor: User, asset: MediaAsset, title: str | None = None, tags: Iterable[str] | str | None = None
) -> MediaAsset:
    """Change an asset's title and/or tags (None leaves a detail as it is)."""
    require(actor, membership_of(actor, asset.workspace), Action.CONTENT_EDIT, asset)
    before = snapshot(asset, ("title", "tags"))
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _clean_title(title)
    if tags is not None:
        changes["tags"] = normalise_tags(tags)
    if all(getattr(asset, field) == value for field, value in changes.items()):
        return asset
    with transaction.atomic():
        for field, value in changes.items():
            setattr(asset, field, value)
        asset.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            workspace=asset.workspace,
            action="media.update",
            obj=asset,
            before=before,
            after=snapshot(asset, ("title", "tags")),
        )
    return asset


def media_delete(*, actor: User, asset: MediaAsset) -> None:
    """Delete an asset and its files; refused while a content item uses it (the message names them)."""
    require(actor, membership_of(actor, asset.workspace), Action.CONTENT_EDIT, asset)
    names = [name for name in (asset.file.name, asset.thumbnail.name) if name]
    storage = asset.file.storage
    with transaction.atomic():
        items = list(media_usage(asset).values_list("title", flat=True)[:6])
        if items:
            shown = ", ".join(f"“{title}”" for title in items[:5])
            if len(items) > 5:
                shown = _("%(items)s and more") % {"items": shown}
            raise ValidationError(
                _("%(name)s is used by %(items)s. Remove it from those items first, then delete it.")
                % {"name": str(asset), "items": shown}
            )
        audit_record(
            actor=actor, workspace=asset.workspace, action="media.delete", obj=asset, before=snapshot(asset, AUDIT_FIELDS)
        )
        asset.delete()

        def remove_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(remove_files)
