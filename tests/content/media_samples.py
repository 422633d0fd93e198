"""Tiny real media for the media library's tests: images made with Pillow, synthetic MP4 and WebM files
built box by box, and files that pretend to be images."""

from __future__ import annotations

import io
import random
import struct

from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24), mode: str = "RGB", **save: object) -> bytes:
    colour: object = (15, 118, 110) if mode == "RGB" else (15, 118, 110, 128)
    image = Image.new(mode, size, colour)  # type: ignore[arg-type]
    output = io.BytesIO()
    image.save(output, fmt, **save)
    return output.getvalue()


def jpeg_with_orientation(size: tuple[int, int], orientation: int) -> bytes:
    image = Image.new("RGB", size, (200, 80, 20))
    exif = image.getexif()
    exif[0x0112] = orientation
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif.tobytes())
    return output.getvalue()


# MP4 / QuickTime ---------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def large_box(kind: bytes, payload: bytes) -> bytes:
    """A box written with the 64-bit size form (size field 1)."""
    return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload


def mvhd(timescale: int, duration: int, *, version: int = 0) -> bytes:
    if version == 0:
        body = bytes([0, 0, 0, 0]) + struct.pack(">IIII", 0, 0, timescale, duration)
    else:
        body = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, timescale, duration)
    return box(b"mvhd", body + b"\x00" * 80)


IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
QUARTER_TURN = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def tkhd(width: int, height: int, *, version: int = 0, matrix: tuple[int, ...] = IDENTITY) -> bytes:
    times = struct.pack(">IIIII", 0, 0, 1, 0, 0) if version == 0 else struct.pack(">QQIIQ", 0, 0, 1, 0, 0)
    body = bytes([version, 0, 0, 7]) + times + b"\x00" * 8 + struct.pack(">hhhh", 0, 0, 0, 0)
    body += struct.pack(">9i", *matrix) + struct.pack(">II", width << 16, height << 16)
    return box(b"tkhd", body)


def mp4_bytes(
    *,
    timescale: int = 1000,
    duration: int = 15_500,
    version: int = 0,
    moov_at_end: bool = False,
    brand: bytes = b"isom",
    width: int = 1080,
    height: int = 1920,
    media: bytes = b"\x00" * 2048,
    large_mdat: bool = False,
) -> bytes:
    ftyp = box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    audio = box(b"trak", tkhd(0, 0))
    video = box(b"trak", tkhd(width, height, version=version))
    moov = box(b"moov", mvhd(timescale, duration, version=version) + audio + video)
    mdat = large_box(b"mdat", media) if large_mdat else box(b"mdat", media)
    return ftyp + (box(b"free", b"") + mdat + moov if moov_at_end else moov + mdat)


# WebM ---------------------------------------------------------------------------------------------


def element(element_id: int, data: bytes, *, unknown_size: bool = False) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else bytes([0x01]) + len(data).to_bytes(7, "big")
    return id_bytes + size + data


def webm_bytes(
    *, ticks: float | None = 12_345.0, scale: int = 1_000_000, unknown_size: bool = False, doctype: bytes = b"webm"
) -> bytes:
    header = element(0x1A45DFA3, element(0x4286, b"\x01") + element(0x4282, doctype))
    info = element(0x2AD7B1, scale.to_bytes(3, "big"))
    if ticks is not None:
        info += element(0x4489, struct.pack(">d", ticks))
    video = element(0xE0, element(0xB0, (1280).to_bytes(2, "big")) + element(0xBA, (720).to_bytes(2, "big")))
    tracks = element(0x1654AE6B, element(0xAE, element(0x83, b"\x01") + video))
    cluster = element(0x1F43B675, b"\x00" * 64)
    return header + element(0x18538067, element(0x1549A966, info) + tracks + cluster, unknown_size=unknown_size)


# Impostors ----------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"\n  <!DOCTYPE html><html><head><script>alert(document.cookie)</script></head><body>hi</body></html>\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def random_bytes(size: int = 4096, seed: int = 7) -> bytes:
    data = random.Random(seed).randbytes(size)
    return b"\x00\x01" + data[2:]  # never a valid signature by chance
