"""Pure rules of publishing: backoff, missed posts, recurrence across DST, queue slots, UTM, credentials."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alur.publishing import crypto, timing, utm

BERLIN = ZoneInfo("Europe/Berlin")
JAKARTA = ZoneInfo("Asia/Jakarta")


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_within_bounds_with_jitter(attempt: int, seed: int) -> None:
    delay = timing.backoff_seconds(attempt, rng=random.Random(seed))
    ceiling = min(timing.BACKOFF_CAP_SECONDS, timing.BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    assert ceiling / 2 <= delay <= ceiling


def test_retry_after_wins_when_longer() -> None:
    assert timing.backoff_seconds(1, retry_after=600, rng=random.Random(1)) == 600
    assert timing.backoff_seconds(3, retry_after=1, rng=random.Random(1)) >= 60


def test_missed_rule_at_the_window_edge() -> None:
    at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    assert not timing.is_missed(at, at + dt.timedelta(minutes=60), 60)
    assert timing.is_missed(at, at + dt.timedelta(minutes=60, seconds=1), 60)


def test_weekly_keeps_the_wall_clock_across_dst_in_spring_and_autumn() -> None:
    anchor = dt.datetime(2026, 3, 23, 9, 0, tzinfo=BERLIN)  # CET (UTC+1), DST starts 29 March
    second = timing.occurrence(anchor, "weekly", 1, 2, "Europe/Berlin")
    assert second.astimezone(BERLIN).hour == 9 and second.hour == 7  # CEST: 07:00 UTC
    autumn = dt.datetime(2026, 10, 19, 9, 0, tzinfo=BERLIN)  # CEST, DST ends 25 October
    after = timing.occurrence(autumn, "weekly", 1, 2, "Europe/Berlin")
    assert after.astimezone(BERLIN).hour == 9 and after.hour == 8


def test_a_time_in_the_skipped_hour_moves_forward_and_the_repeated_hour_takes_the_first() -> None:
    anchor = dt.datetime(2026, 3, 28, 2, 30, tzinfo=BERLIN)  # next day 02:30 does not exist
    nxt = timing.occurrence(anchor, "days", 1, 2, "Europe/Berlin")
    assert nxt == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST
    anchor = dt.datetime(2026, 10, 24, 2, 30, tzinfo=BERLIN)  # next day 02:30 happens twice
    nxt = timing.occurrence(anchor, "days", 1, 2, "Europe/Berlin")
    assert nxt == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # the first, still CEST


def test_monthly_clamps_to_the_end_of_short_months() -> None:
    anchor = dt.datetime(2026, 1, 31, 10, tzinfo=JAKARTA)
    assert timing.occurrence(anchor, "monthly", 1, 2, "Asia/Jakarta").astimezone(JAKARTA).date() == dt.date(2026, 2, 28)
    assert timing.occurrence(anchor, "monthly", 1, 3, "Asia/Jakarta").astimezone(JAKARTA).date() == dt.date(2026, 3, 31)


def test_after_downtime_a_series_skips_to_the_next_future_occurrence() -> None:
    anchor = dt.datetime(2026, 1, 5, 9, tzinfo=JAKARTA)
    now = dt.datetime(2026, 3, 4, 12, tzinfo=JAKARTA)
    number, when = timing.next_occurrence(anchor, "weekly", 1, 1, "Asia/Jakarta", not_before=now)
    assert when > now and when - now <= dt.timedelta(days=7) and number == 10


def test_next_free_slot_skips_taken_times() -> None:
    slots = [{"weekday": 0, "time": "09:00"}, {"weekday": 2, "time": "12:30"}]
    after = dt.datetime(2026, 11, 23, 8, tzinfo=JAKARTA)  # a Monday
    first = timing.next_free_slot(slots, [], after=after, zone="Asia/Jakarta")
    assert first == dt.datetime(2026, 11, 23, 9, tzinfo=JAKARTA)
    second = timing.next_free_slot(slots, [first], after=after, zone="Asia/Jakarta")
    assert second == dt.datetime(2026, 11, 25, 12, 30, tzinfo=JAKARTA)
    assert timing.next_free_slot([], [], after=after, zone="Asia/Jakarta") is None
    with pytest.raises(ValueError):
        timing.parse_slot({"weekday": 7, "time": "09:00"})


PARAMS = {"utm_source": "instagram", "utm_medium": "social", "utm_campaign": "ramadan", "utm_content": "12-instagram"}


def test_utm_keeps_existing_parameters_fragment_and_hand_tagged_values() -> None:
    tagged = utm.tag_url("https://kopi.id/menu?ref=bio&utm_source=manual#promo", PARAMS)
    assert (
        tagged
        == "https://kopi.id/menu?ref=bio&utm_source=manual&utm_medium=social&utm_campaign=ramadan&utm_content=12-instagram#promo"
    )


def test_utm_leaves_other_domains_and_non_web_links_alone() -> None:
    assert utm.tag_url("https://other.example/x", PARAMS, only_domains=["kopi.id"]) == "https://other.example/x"
    assert utm.tag_url("https://shop.kopi.id/x", PARAMS, only_domains=["kopi.id"]).startswith(
        "https://shop.kopi.id/x?utm_source="
    )
    assert utm.tag_url("mailto:halo@kopi.id", PARAMS) == "mailto:halo@kopi.id"


def test_utm_in_text_keeps_sentence_punctuation_outside_the_link() -> None:
    text = utm.tag_text("Pesan di https://kopi.id/menu. Atau (https://kopi.id/a)!", PARAMS)
    assert "https://kopi.id/menu?utm_source=instagram" in text and text.count("utm_source") == 2
    assert ". Atau (" in text and text.endswith(")!")


@given(st.dictionaries(st.sampled_from(["a", "ref", "page", "q"]), st.text(min_size=1, max_size=8), max_size=3))
def test_utm_never_drops_a_parameter(existing: dict[str, str]) -> None:
    from urllib.parse import parse_qs, urlencode, urlsplit

    url = "https://kopi.id/p?" + urlencode(existing) if existing else "https://kopi.id/p"
    query = parse_qs(urlsplit(utm.tag_url(url, PARAMS)).query, keep_blank_values=True)
    for name, value in existing.items():
        assert query[name] == [value]
    assert query["utm_source"] == ["instagram"]


def test_utm_values_are_slugs() -> None:
    rule = utm.UtmRule()
    assert utm.utm_params(rule, platform="email", campaign="Promo Ramadan 2026", content="12-email") == {
        "utm_source": "email",
        "utm_medium": "email",
        "utm_campaign": "promo-ramadan-2026",
        "utm_content": "12-email",
    }


def test_credentials_round_trip_rotation_and_a_wrong_key() -> None:
    old = "".join(["A"] * 43) + "="
    new = "".join(["B"] * 43) + "="
    token = crypto.encrypt({"access_token": "abc", "refresh_token": "r1"}, [old])
    assert "abc" not in token
    assert crypto.decrypt(token, [new, old]) == {"access_token": "abc", "refresh_token": "r1"}
    rotated = crypto.rotate(token, [new, old])
    assert crypto.decrypt(rotated, [new]) == {"access_token": "abc", "refresh_token": "r1"}
    with pytest.raises(crypto.CredentialsError):
        crypto.decrypt(token, [new])
    assert crypto.mask("EAAGm0PX4ZCpsBA1234") == "••••1234"
