"""The pure diff of two version snapshots: word-level text diffs and per-field, per-variant changes."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from alur.content.diffing import new_text, old_text, snapshot_diff, tokens, word_diff
from alur.content.mentions import mention_handles, split_mentions

WORDS = st.sampled_from(["kopi", "susu", "gula", "aren", "es", "#promo", "diskon", "😀", "Rp15.000", "\n", " ", "  ", "\t"])
TEXTS = st.lists(WORDS, max_size=40).map("".join) | st.text(max_size=80)


@given(TEXTS, TEXTS)
@settings(max_examples=300)
def test_segments_rebuild_both_texts(before: str, after: str) -> None:
    segments = word_diff(before, after)
    assert old_text(segments) == before
    assert new_text(segments) == after
    ops = [op for op, _ in segments]
    assert all(op in ("equal", "insert", "delete") for op in ops)
    assert all(text for _, text in segments), "no empty segments"
    assert all(a != b for a, b in itertools.pairwise(ops)), "neighbouring segments of one kind are merged"


@given(TEXTS)
def test_an_unchanged_text_is_one_equal_segment(text: str) -> None:
    assert word_diff(text, text) == ([("equal", text)] if text else [])


@given(TEXTS)
def test_tokens_keep_whitespace(text: str) -> None:
    assert "".join(tokens(text)) == text


def test_a_changed_word_is_deleted_and_inserted_and_the_rest_kept() -> None:
    assert word_diff("Es kopi susu segar", "Es kopi aren segar") == [
        ("equal", "Es kopi "),
        ("delete", "susu"),
        ("insert", "aren"),
        ("equal", " segar"),
    ]


def test_added_words_and_lines() -> None:
    segments = word_diff("Promo pagi\nDiskon 10%", "Promo pagi\nDiskon 20% hari ini\nSampai jumpa")
    assert ("delete", "10%") in segments
    assert segments[-1] == ("insert", "20% hari ini\nSampai jumpa")
    assert word_diff("", "Baru") == [("insert", "Baru")]
    assert word_diff("Lama", "") == [("delete", "Lama")]


def test_a_long_article_with_a_few_edits_stays_fast() -> None:
    paragraph = " ".join(f"kata{i % 97}" for i in range(120))
    before = "\n\n".join(f"{paragraph} {n}" for n in range(100))
    after = before.replace("kata5 kata6", "kata5 BARU kata6", 3)
    segments = word_diff(before, after)
    assert old_text(segments) == before and new_text(segments) == after
    assert sum(1 for op, text in segments if op == "insert") >= 1
    assert all(text.strip() in ("BARU", "") for op, text in segments if op == "insert")


def _snap(title: str = "Es kopi", kind: str = "social_post", variants: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"title": title, "kind": kind, "variants": variants or []}


def _variant(platform: str = "instagram", **kwargs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "platform": platform,
        "account_id": None,
        "title": "",
        "text": "",
        "link": "",
        "hashtags": [],
        "media_ids": [],
    }
    base.update(kwargs)
    return base


def test_identical_snapshots_have_no_changes() -> None:
    snap = _snap(variants=[_variant(text="Segar!")])
    diff = snapshot_diff(snap, snap)
    assert diff.is_empty
    assert [v.status for v in diff.variants] == ["unchanged"]


def test_title_kind_and_variant_fields() -> None:
    before = _snap(variants=[_variant(text="Es kopi susu", hashtags=["#kopi", "#es"], media_ids=[1, 2], link="https://a.id")])
    after = _snap(
        title="Es kopi aren",
        kind="story",
        variants=[_variant(text="Es kopi aren", hashtags=["#kopi", "#aren"], media_ids=[2, 3], link="https://b.id")],
    )
    diff = snapshot_diff(before, after)
    fields = {change.field: change for change in diff.changes}
    assert fields["title"].segments == (("equal", "Es kopi"), ("insert", " aren"))
    assert (fields["kind"].before, fields["kind"].after) == ("social_post", "story")
    (variant,) = diff.variants
    assert variant.status == "changed"
    changes = {change.field: change for change in variant.changes}
    assert changes["text"].segments == (("equal", "Es kopi "), ("delete", "susu"), ("insert", "aren"))
    assert (changes["hashtags"].added, changes["hashtags"].removed) == (("#aren",), ("#es",))
    assert (changes["media_ids"].added, changes["media_ids"].removed) == ((3,), (1,))
    assert (changes["link"].before, changes["link"].after) == ("https://a.id", "https://b.id")
    assert "title" not in changes


def test_variants_added_and_removed_are_matched_by_platform_and_account() -> None:
    before = _snap(variants=[_variant("instagram", text="A"), _variant("x", account_id=7, text="B")])
    after = _snap(variants=[_variant("x", account_id=7, text="B"), _variant("linkedin", text="C")])
    diff = snapshot_diff(before, after)
    statuses = {(v.platform, v.status) for v in diff.variants}
    assert statuses == {("x", "unchanged"), ("linkedin", "added"), ("instagram", "removed")}
    added = next(v for v in diff.variants if v.status == "added")
    assert added.changes[0].field == "text" and added.changes[0].segments == (("insert", "C"),)
    removed = next(v for v in diff.variants if v.status == "removed")
    assert removed.changes[0].segments == (("delete", "A"),)
    assert [v.platform for v in diff.changed_variants] == ["linkedin", "instagram"]


def test_a_variant_whose_account_changed_is_still_matched() -> None:
    diff = snapshot_diff(
        _snap(variants=[_variant("x", account_id=1, text="Hai")]), _snap(variants=[_variant("x", account_id=2, text="Hai")])
    )
    (variant,) = diff.variants
    assert variant.status == "changed"
    assert [(c.field, c.before, c.after) for c in variant.changes] == [("account_id", 1, 2)]


@given(
    st.lists(st.tuples(st.sampled_from(["x", "instagram", "email"]), st.sampled_from([None, 1, 2]), TEXTS), max_size=4),
    st.lists(st.tuples(st.sampled_from(["x", "instagram", "email"]), st.sampled_from([None, 1, 2]), TEXTS), max_size=4),
)
def test_every_variant_is_accounted_for(old: list[tuple[str, Any, str]], new: list[tuple[str, Any, str]]) -> None:
    before = _snap(variants=[_variant(p, account_id=a, text=t) for p, a, t in old])
    after = _snap(variants=[_variant(p, account_id=a, text=t) for p, a, t in new])
    diff = snapshot_diff(before, after)
    assert sum(1 for v in diff.variants if v.status != "removed") == len(new)
    assert sum(1 for v in diff.variants if v.status != "added") == len(old)
    for variant in diff.variants:
        for change in variant.changes:
            if change.field == "text":
                assert old_text(change.segments) == change.before and new_text(change.segments) == change.after


def test_mention_syntax() -> None:
    assert mention_handles("Tolong cek @Budi, dan @ani@kopi.id.") == ["budi", "ani@kopi.id"]
    assert mention_handles("email budi@kopi.id, jam @ 10.00, @budi's draft") == ["budi"]
    text = "Hai @budi!\nLihat https://kopi.id/@ani"
    assert "".join(piece for piece, _ in split_mentions(text)) == text


@given(st.text(max_size=60))
def test_split_mentions_keeps_the_text(text: str) -> None:
    assert "".join(piece for piece, _ in split_mentions(text)) == text
