"""What a file is (magic numbers) and how long a video runs (MP4 moov/mvhd, WebM Segment/Info), from
bytes alone: pure functions, tested with tiny synthetic files."""

from __future__ import annotations

import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alur.content.mediainfo import UNKNOWN, mp4_duration, mp4_info, video_info, webm_duration, webm_info
from alur.content.sniff import describe, sniff
from tests.content import media_samples as samples

# Sniffing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "extension", "kind"),
    [
        (samples.image_bytes("PNG"), "png", "image"),
        (samples.image_bytes("JPEG"), "jpg", "image"),
        (samples.image_bytes("GIF"), "gif", "image"),
        (samples.image_bytes("WEBP"), "webp", "image"),
        (samples.mp4_bytes(), "mp4", "video"),
        (samples.mp4_bytes(brand=b"qt  "), "mov", "video"),
        (samples.webm_bytes(), "webm", "video"),
        (samples.PDF, "pdf", "document"),
    ],
)
def test_sniff_names_the_accepted_types_from_their_bytes(data: bytes, extension: str, kind: str) -> None:
    found = sniff(data[:64])
    assert found is not None
    assert (found.extension, found.kind) == (extension, kind)


def test_sniff_tells_matroska_from_webm_and_refuses_audio_and_heif() -> None:
    matroska = sniff(samples.webm_bytes(doctype=b"matroska")[:64])
    assert matroska is not None and matroska.extension == "mkv"
    assert sniff(samples.mp4_bytes(brand=b"M4A ")[:64]) is None
    assert sniff(samples.mp4_bytes(brand=b"heic")[:64]) is None


@pytest.mark.parametrize(
    ("data", "looks"),
    [
        (b"", "empty"),
        (samples.PDF, "pdf"),
        (samples.HTML, "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", "html"),
        (samples.SVG, "svg"),
        (samples.EXE, "exe"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "elf"),
        (b"PK\x03\x04" + b"\x00" * 40, "zip"),
        (samples.mp4_bytes(brand=b"heic"), "heif"),
        (samples.mp4_bytes(brand=b"M4A "), "audio"),
        (b"Just some notes about the campaign.\n", "text"),
        (samples.random_bytes(), "unknown"),
        (samples.image_bytes("PNG"), "png"),
    ],
)
def test_describe_says_what_a_file_looks_like(data: bytes, looks: str) -> None:
    assert describe(data[:512]) == looks


@given(st.binary(max_size=600))
def test_sniff_and_describe_never_raise(data: bytes) -> None:
    sniff(data)
    assert describe(data)


# MP4 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("moov_at_end", [False, True])
def test_mp4_duration_from_mvhd_in_both_versions_and_places(version: int, moov_at_end: bool) -> None:
    data = samples.mp4_bytes(timescale=600, duration=9_000, version=version, moov_at_end=moov_at_end)
    assert mp4_duration(data) == pytest.approx(15.0)
    info = mp4_info(io.BytesIO(data))
    assert (info.width, info.height, info.has_header) == (1080, 1920, True)


def test_mp4_version_1_holds_durations_beyond_32_bits() -> None:
    data = samples.mp4_bytes(timescale=90_000, duration=2**33, version=1)
    assert mp4_duration(data) == pytest.approx(2**33 / 90_000)


def test_mp4_with_a_64_bit_media_box_before_the_movie_box() -> None:
    data = samples.mp4_bytes(moov_at_end=True, large_mdat=True, media=b"\x01" * 5000)
    assert mp4_duration(data) == pytest.approx(15.5)


def test_a_quarter_turned_track_reports_its_shown_size() -> None:
    moov = samples.box(
        b"moov", samples.mvhd(1000, 1000) + samples.box(b"trak", samples.tkhd(1920, 1080, matrix=samples.QUARTER_TURN))
    )
    info = mp4_info(samples.box(b"ftyp", b"isom\x00\x00\x02\x00") + moov)
    assert (info.width, info.height) == (1080, 1920)


def test_unknown_or_zero_durations_are_none_but_a_fragmented_file_uses_mehd() -> None:
    assert mp4_duration(samples.mp4_bytes(duration=0xFFFFFFFF)) is None
    assert mp4_duration(samples.mp4_bytes(timescale=0)) is None
    assert mp4_duration(samples.mp4_bytes(duration=0)) is None
    mehd = samples.box(b"mehd", bytes([0, 0, 0, 0]) + struct.pack(">I", 30_000))
    moov = samples.box(b"moov", samples.mvhd(1000, 0) + samples.box(b"mvex", mehd))
    assert mp4_duration(samples.box(b"ftyp", b"isom\x00\x00\x02\x00") + moov) == pytest.approx(30.0)


def test_a_cut_short_or_headerless_mp4_has_no_header() -> None:
    full = samples.mp4_bytes(moov_at_end=True)
    assert mp4_info(full[: len(full) - 20]) == UNKNOWN  # the movie box at the end was cut off
    assert mp4_info(samples.box(b"ftyp", b"isom\x00\x00\x02\x00") + samples.box(b"mdat", b"\x00" * 100)) == UNKNOWN
    assert not mp4_info(b"\x00\x00\x00\x18ftypisom").has_header


@settings(max_examples=300)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=300))
def test_mp4_reader_never_raises_on_damaged_files(noise: bytes, cut: int) -> None:
    good = samples.mp4_bytes(media=b"")
    damaged = good[:cut] + noise + good[cut:]
    video_info(damaged, "mp4")
    video_info(noise, "mov")


# WebM --------------------------------------------------------------------------------------------


def test_webm_duration_and_size_from_segment_info_and_tracks() -> None:
    info = webm_info(samples.webm_bytes())
    assert info.duration_seconds == pytest.approx(12.345)
    assert (info.width, info.height, info.has_header) == (1280, 720, True)


def test_webm_with_its_own_timestamp_scale_and_an_unknown_size_segment() -> None:
    assert webm_duration(samples.webm_bytes(ticks=500.0, scale=10_000_000, unknown_size=True)) == pytest.approx(5.0)


def test_a_live_recording_without_duration_is_none() -> None:
    info = webm_info(samples.webm_bytes(ticks=None))
    assert info.duration_seconds is None
    assert info.has_header


@settings(max_examples=300)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=200))
def test_webm_reader_never_raises_on_damaged_files(noise: bytes, cut: int) -> None:
    good = samples.webm_bytes()
    video_info(good[:cut] + noise + good[cut:], "webm")
    video_info(b"\x1a\x45\xdf\xa3" + noise, "webm")


def test_other_extensions_are_unknown() -> None:
    assert video_info(samples.mp4_bytes(), "gif") == UNKNOWN
