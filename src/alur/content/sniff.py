"""What a file really is, from its first bytes (magic numbers), never from its name. Framework-free.

Signatures: JPEG FF D8 FF; PNG 89 50 4E 47 0D 0A 1A 0A; GIF "GIF87a"/"GIF89a"; WebP "RIFF....WEBP";
ISO base media (MP4/MOV) "....ftyp" with the brand naming the format; WebM/Matroska 1A 45 DF A3 (the
EBML header's DocType tells WebM from Matroska); PDF "%PDF-". (File signatures as listed by the
formats' specifications; see Gary Kessler's table.)

:func:`describe` names what a refused file looks like (a PDF, a web page, a program…), so that a
refusal can say why.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_BYTES = 64
# How much of the start of a file :func:`describe` looks at (a web page may begin with blank lines).
DESCRIBE_BYTES = 512


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image", "video" or "document"
    mime_type: str
    extension: str


_QUICKTIME_BRANDS = {b"qt  "}
# ISO base media files that are not video: HEIF/AVIF stills and MPEG-4 audio (iTunes audio and books).
_STILL_IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ")
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def sniff(head: bytes) -> Sniffed | None:
    """The type of a file whose first bytes are ``head`` (pass at least :data:`HEAD_BYTES`), or None
    when it is none of the types Alur accepts."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _QUICKTIME_BRANDS:
            return Sniffed("video", "video/quicktime", "mov")
        if brand.startswith(_STILL_IMAGE_BRANDS) or brand in _AUDIO_BRANDS:
            return None
        return Sniffed("video", "video/mp4", "mp4")
    if head.startswith(_EBML_MAGIC):
        if _is_matroska(head):
            return Sniffed("video", "video/x-matroska", "mkv")
        return Sniffed("video", "video/webm", "webm")
    if head.startswith(b"%PDF-"):
        return Sniffed("document", "application/pdf", "pdf")
    return None


def _is_matroska(head: bytes) -> bool:
    """True when the EBML header's DocType (element 0x4282) says "matroska" rather than "webm".
    When the DocType is not within ``head`` the file is taken for WebM."""
    at = head.find(b"\x42\x82", 4, HEAD_BYTES)
    return at != -1 and b"matroska" in head[at + 2 : at + 20]


def describe(head: bytes) -> str:
    """A short key for what ``head`` looks like, for telling a person why a file was refused:
    one of ``empty``, ``jpeg``, ``png``, ``gif``, ``webp``, ``mp4``, ``mov``, ``webm``, ``mkv``,
    ``pdf``, ``heif``, ``audio``, ``html``, ``svg``, ``xml``, ``exe``, ``elf``, ``script``, ``zip``,
    ``gzip``, ``rar``, ``7z``, ``bmp``, ``tiff``, ``ico``, ``psd``, ``mp3``, ``wav``, ``text`` or
    ``unknown``."""
    if not head:
        return "empty"
    found = sniff(head)
    if found is not None:
        return found.extension
    if head[4:8] == b"ftyp":
        return "audio" if head[8:12] in _AUDIO_BRANDS else "heif"
    for magic, key in _BINARY_MAGIC:
        if head.startswith(magic):
            return key
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    text = _leading_text(head)
    if text is None:
        return "unknown"
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<meta")):
        return "html"
    if lowered.startswith("<svg") or (lowered.startswith("<?xml") and "<svg" in lowered):
        return "svg"
    if lowered.startswith("<?xml"):
        return "xml"
    if "<html" in lowered or "<script" in lowered:
        return "html"
    if lowered.startswith("#!"):
        return "script"
    return "text"


_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"\xca\xfe\xba\xbe", "exe"),  # Mach-O universal binary (also Java class files)
    (b"\xcf\xfa\xed\xfe", "exe"),  # Mach-O 64-bit
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"8BPS", "psd"),
    (b"ID3", "mp3"),
    (b"\xff\xfb", "mp3"),
    (b"\xff\xf3", "mp3"),
)


def _leading_text(head: bytes) -> str | None:
    """``head`` decoded as text when it looks like text (UTF-8 or UTF-16 with a byte-order mark)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="ignore")
    # A few undecodable bytes at the cut-off are fine; mostly binary is not text.
    if len(text) < len(head) * 0.9:
        return None
    printable = sum(1 for character in text if character.isprintable() or character in "\r\n\t")
    return text if printable >= len(text) * 0.95 else None
