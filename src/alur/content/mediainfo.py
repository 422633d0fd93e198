"""A video's duration and frame size, read from its container without decoding anything. Framework-free.

MP4 and QuickTime (ISO/IEC 14496-12, the ISO base media file format): the file is a list of boxes
(``size`` 32-bit big-endian, ``type`` four characters; size 1 means a 64-bit size follows, size 0
means "to the end of the file"). The movie box ``moov`` holds the movie header ``mvhd`` (version 0:
32-bit times and duration; version 1: 64-bit) with ``timescale`` (units per second) and ``duration``;
each track's ``tkhd`` ends with its width and height as 16.16 fixed-point numbers. ``moov`` may come
before or after the media data (``mdat``): boxes are skipped by seeking, so a file whose ``moov`` is at
the end is read without reading its media. A fragmented MP4 whose ``mvhd`` says 0 gives its length in
``mvex/mehd``.

WebM (a Matroska profile, EBML): elements are an ID and a size, both variable-length integers. The
``Segment``'s ``Info`` holds ``TimestampScale`` (nanoseconds per tick, default 1,000,000) and
``Duration`` (a float, in ticks); ``Tracks/TrackEntry/Video`` holds ``PixelWidth`` and ``PixelHeight``.
A live recording (e.g. from a browser's MediaRecorder) often has no ``Duration``: then it is None.

Every reader returns None for what it cannot find and never raises on damaged input.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# Bounds that keep a hostile file from making the readers loop for long.
MAX_BOXES = 10_000


@dataclass(frozen=True)
class VideoInfo:
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    # The container's header (MP4 ``moov``, WebM ``Segment``) was found: without it no player can play
    # the file (cut short, or not really a video).
    has_header: bool = False


UNKNOWN = VideoInfo()


def video_info(stream: BinaryIO | bytes, extension: str) -> VideoInfo:
    """Duration and size of a video whose container is named by ``extension`` (``mp4``, ``mov``,
    ``webm``, ``mkv``); :data:`UNKNOWN` for anything else."""
    if extension in ("mp4", "mov", "m4v"):
        return mp4_info(stream)
    if extension in ("webm", "mkv"):
        return webm_info(stream)
    return UNKNOWN


def _seekable(stream: BinaryIO | bytes) -> BinaryIO:
    return io.BytesIO(stream) if isinstance(stream, bytes | bytearray) else stream


def _length(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    return stream.tell()


def _read_at(stream: BinaryIO, offset: int, size: int) -> bytes:
    stream.seek(offset)
    return stream.read(size)


# MP4 / QuickTime ---------------------------------------------------------------------------------


def mp4_duration(stream: BinaryIO | bytes) -> float | None:
    """Seconds, from ``moov/mvhd``; None when the file has no readable movie header."""
    return mp4_info(stream).duration_seconds


def mp4_info(stream: BinaryIO | bytes) -> VideoInfo:
    source = _seekable(stream)
    try:
        end = _length(source)
        moov = next((box for box in _boxes(source, 0, end) if box[0] == b"moov"), None)
        if moov is None:
            return UNKNOWN
        return _read_moov(source, moov[1], moov[2])
    except (OSError, ValueError, struct.error, OverflowError):
        return UNKNOWN


def _boxes(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """``(type, payload_start, box_end)`` for each whole box between ``start`` and ``end``."""
    position = start
    for _ in range(MAX_BOXES):
        if position + 8 > end:
            return
        header = _read_at(stream, position, 8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            header_size = 16
        elif size == 0:
            size = end - position
        if size < header_size or position + size > end:
            return  # damaged or cut short: nothing after this can be trusted
        yield kind, position + header_size, position + size
        position += size


def _read_moov(stream: BinaryIO, start: int, end: int) -> VideoInfo:
    timescale = 0
    duration: int | None = None
    fragment_duration: int | None = None
    width = height = None
    for kind, payload, box_end in _boxes(stream, start, end):
        if kind == b"mvhd":
            timescale, duration = _read_mvhd(_read_at(stream, payload, min(box_end - payload, 32)))
        elif kind == b"mvex":
            for inner, inner_payload, inner_end in _boxes(stream, payload, box_end):
                if inner == b"mehd":
                    fragment_duration = _read_mehd(_read_at(stream, inner_payload, min(inner_end - inner_payload, 12)))
        elif kind == b"trak" and width is None:
            for inner, inner_payload, inner_end in _boxes(stream, payload, box_end):
                if inner == b"tkhd":
                    width, height = _read_tkhd(_read_at(stream, inner_payload, min(inner_end - inner_payload, 96)))
    if not duration and fragment_duration:
        duration = fragment_duration
    seconds = duration / timescale if timescale and duration else None
    return VideoInfo(duration_seconds=seconds, width=width, height=height, has_header=True)


_ALL_ONES = (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF)


def _read_mvhd(data: bytes) -> tuple[int, int | None]:
    """``(timescale, duration)``; a duration of all ones means "unknown"."""
    if len(data) < 4:
        return 0, None
    version = data[0]
    if version == 1 and len(data) >= 32:
        timescale, duration = struct.unpack(">IQ", data[20:32])
    elif version == 0 and len(data) >= 20:
        timescale, duration = struct.unpack(">II", data[12:20])
    else:
        return 0, None
    return timescale, None if duration in _ALL_ONES else duration


def _read_mehd(data: bytes) -> int | None:
    if len(data) >= 12 and data[0] == 1:
        return int(struct.unpack(">Q", data[4:12])[0])
    if len(data) >= 8 and data[0] == 0:
        return int(struct.unpack(">I", data[4:8])[0])
    return None


def _read_tkhd(data: bytes) -> tuple[int | None, int | None]:
    """A track's presented size; None for tracks without a picture (audio). A matrix that turns the
    picture a quarter turn (a phone held upright) swaps width and height, as players show it."""
    if not data:
        return None, None
    times = 32 if data[0] == 1 else 20
    matrix_at = 4 + times + 16
    size_at = matrix_at + 36
    if len(data) < size_at + 8:
        return None, None
    a, b, _u, c, d = struct.unpack(">iiiii", data[matrix_at : matrix_at + 20])
    width, height = (value >> 16 for value in struct.unpack(">II", data[size_at : size_at + 8]))
    if not width or not height:
        return None, None
    if a == 0 and d == 0 and b != 0 and c != 0:
        width, height = height, width
    return width, height


# WebM / Matroska ---------------------------------------------------------------------------------

_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMESTAMP_SCALE = 0x2AD7B1
_DURATION = 0x4489
_TRACKS = 0x1654AE6B
_TRACK_ENTRY = 0xAE
_TRACK_TYPE = 0x83
_VIDEO = 0xE0
_PIXEL_WIDTH = 0xB0
_PIXEL_HEIGHT = 0xBA
_CLUSTER = 0x1F43B675


def webm_duration(stream: BinaryIO | bytes) -> float | None:
    """Seconds, from ``Segment/Info``; None when the file does not say (e.g. a live recording)."""
    return webm_info(stream).duration_seconds


def webm_info(stream: BinaryIO | bytes) -> VideoInfo:
    source = _seekable(stream)
    try:
        end = _length(source)
        if _read_at(source, 0, 4) != b"\x1a\x45\xdf\xa3":
            return UNKNOWN
        segment = next((e for e in _elements(source, 0, end) if e[0] == _SEGMENT), None)
        if segment is None:
            return UNKNOWN
        return _read_segment(source, segment[1], segment[2])
    except (OSError, ValueError, struct.error, OverflowError):
        return UNKNOWN


def _vint(stream: BinaryIO, *, keep_marker: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer: ``(value, length)``; value None for "unknown size" (all ones).
    Raises ValueError on a malformed first byte."""
    first = stream.read(1)
    if not first:
        raise ValueError("end of data")
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("bad variable-length integer")
    rest = stream.read(length - 1)
    if len(rest) < length - 1:
        raise ValueError("end of data")
    value = (byte if keep_marker else byte & (mask - 1)).to_bytes(1, "big") + rest
    number = int.from_bytes(value, "big")
    if not keep_marker and number == (1 << (7 * length)) - 1:
        return None, length
    return number, length


def _elements(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``(id, data_start, data_end)`` of each element between ``start`` and ``end``. An element of
    unknown size runs to ``end`` and ends the walk (nothing after it can be located)."""
    position = start
    for _ in range(MAX_BOXES):
        if position >= end:
            return
        stream.seek(position)
        element_id, id_length = _vint(stream, keep_marker=True)
        size, size_length = _vint(stream, keep_marker=False)
        if element_id is None or id_length > 4:
            return
        data_start = position + id_length + size_length
        data_end = end if size is None else min(data_start + size, end)
        yield element_id, data_start, data_end
        if size is None or data_start + size > end:
            return
        position = data_end


def _uint(stream: BinaryIO, start: int, end: int) -> int | None:
    if not 0 < end - start <= 8:
        return None
    return int.from_bytes(_read_at(stream, start, end - start), "big")


def _float(stream: BinaryIO, start: int, end: int) -> float | None:
    size = end - start
    if size not in (4, 8):
        return None
    value: float = struct.unpack(">f" if size == 4 else ">d", _read_at(stream, start, size))[0]
    return value if math.isfinite(value) and value > 0 else None


def _read_segment(stream: BinaryIO, start: int, end: int) -> VideoInfo:
    scale = 1_000_000
    ticks: float | None = None
    width = height = None
    seen_info = seen_tracks = False
    for element_id, data_start, data_end in _elements(stream, start, end):
        if element_id == _INFO:
            seen_info = True
            for inner, inner_start, inner_end in _elements(stream, data_start, data_end):
                if inner == _TIMESTAMP_SCALE:
                    scale = _uint(stream, inner_start, inner_end) or scale
                elif inner == _DURATION:
                    ticks = _float(stream, inner_start, inner_end)
        elif element_id == _TRACKS:
            seen_tracks = True
            width, height = _read_tracks(stream, data_start, data_end)
        elif element_id == _CLUSTER or (seen_info and seen_tracks):
            break  # the media itself: the headers come before it
    seconds = ticks * scale / 1e9 if ticks else None
    return VideoInfo(
        duration_seconds=seconds if seconds and math.isfinite(seconds) else None, width=width, height=height, has_header=True
    )


def _read_tracks(stream: BinaryIO, start: int, end: int) -> tuple[int | None, int | None]:
    for element_id, data_start, data_end in _elements(stream, start, end):
        if element_id != _TRACK_ENTRY:
            continue
        width = height = None
        track_type = None
        for inner, inner_start, inner_end in _elements(stream, data_start, data_end):
            if inner == _TRACK_TYPE:
                track_type = _uint(stream, inner_start, inner_end)
            elif inner == _VIDEO:
                for video, video_start, video_end in _elements(stream, inner_start, inner_end):
                    if video == _PIXEL_WIDTH:
                        width = _uint(stream, video_start, video_end)
                    elif video == _PIXEL_HEIGHT:
                        height = _uint(stream, video_start, video_end)
        if (track_type == 1 or track_type is None) and width and height:
            return width, height
    return None, None
