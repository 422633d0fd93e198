"""A readable diff between two version snapshots of a content item. Framework-free.

A snapshot is :class:`alur.content.models.ContentVersion`'s ``data``::

    {"title": str, "kind": str,
     "variants": [{"platform", "account_id", "title", "text", "link", "hashtags": [...], "media_ids": [...]}]}

:func:`snapshot_diff` compares two of them field by field: the item's title and type, then every variant,
matched by platform and account (a variant whose account changed is matched to the remaining variant of
the same platform, and the account change is listed). Texts are compared word by word
(:func:`word_diff`), hashtags and media as sets of what was added and removed.

:func:`word_diff` returns ``(op, text)`` segments, ``op`` one of ``"equal"``, ``"insert"`` and
``"delete"``; whitespace is kept, so the old text is the concatenation of the equal and deleted segments
and the new text that of the equal and inserted ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

Op = Literal["equal", "insert", "delete"]
Segment = tuple[Op, str]

EQUAL: Op = "equal"
INSERT: Op = "insert"
DELETE: Op = "delete"

# A word (a run of non-space characters) or a run of whitespace: joined back they give the text unchanged.
_TOKENS = re.compile(r"\s+|\S+")
# Above this many token pairs (old × new) in one changed block, the exact matcher gets slow (it is
# quadratic); the matcher's "popular token" heuristic is used instead, which is fast but may show a
# larger change than strictly needed. Either way the segments rebuild both texts exactly.
EXACT_PAIRS_LIMIT = 4_000_000


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(before: str, after: str) -> list[Segment]:
    """The word-level difference of two texts as merged ``(op, text)`` segments (a changed word is a
    deletion followed by an insertion). Empty texts give no segments.

    Lines are compared first; only the blocks of changed lines are compared word by word, so a long
    article with a few edits stays fast."""
    before = before or ""
    after = after or ""
    segments: list[Segment] = []
    if before == after:
        _append(segments, EQUAL, before)
        return segments
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        old_block, new_block = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            _append(segments, EQUAL, old_block)
        elif tag == "delete":
            _append(segments, DELETE, old_block)
        elif tag == "insert":
            _append(segments, INSERT, new_block)
        else:
            _word_blocks(segments, tokens(old_block), tokens(new_block))
    return segments


def _word_blocks(segments: list[Segment], old: list[str], new: list[str]) -> None:
    exact = len(old) * len(new) <= EXACT_PAIRS_LIMIT
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=not exact).get_opcodes():
        if tag == "equal":
            _append(segments, EQUAL, "".join(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, DELETE, "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, INSERT, "".join(new[j1:j2]))


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def old_text(segments: Iterable[Segment]) -> str:
    """The text before the change, rebuilt from its segments."""
    return "".join(text for op, text in segments if op != INSERT)


def new_text(segments: Iterable[Segment]) -> str:
    """The text after the change, rebuilt from its segments."""
    return "".join(text for op, text in segments if op != DELETE)


@dataclass(frozen=True)
class FieldChange:
    """One changed field. Texts carry ``segments``; lists (hashtags, media) carry ``added``/``removed``."""

    field: str
    before: Any
    after: Any
    segments: tuple[Segment, ...] = ()
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()

    @property
    def is_text(self) -> bool:
        return bool(self.segments)

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)


VariantStatus = Literal["added", "removed", "changed", "unchanged"]


@dataclass(frozen=True)
class VariantDiff:
    platform: str
    account_id: Any
    status: VariantStatus
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class SnapshotDiff:
    changes: tuple[FieldChange, ...] = ()
    variants: tuple[VariantDiff, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.changes and all(v.status == "unchanged" for v in self.variants)

    @property
    def changed_variants(self) -> tuple[VariantDiff, ...]:
        return tuple(v for v in self.variants if v.status != "unchanged")


TEXT_FIELDS = ("title", "text")
PLAIN_FIELDS = ("link",)
LIST_FIELDS = ("hashtags", "media_ids")
VARIANT_FIELDS = ("account_id", "title", "text", "link", "hashtags", "media_ids")


def _text_change(name: str, before: Any, after: Any) -> FieldChange | None:
    old, new = str(before or ""), str(after or "")
    if old == new:
        return None
    return FieldChange(name, old, new, segments=tuple(word_diff(old, new)))


def _plain_change(name: str, before: Any, after: Any) -> FieldChange | None:
    if (before or None) == (after or None):
        return None
    return FieldChange(name, before, after)


def _list_change(name: str, before: Any, after: Any) -> FieldChange | None:
    old, new = list(before or []), list(after or [])
    removed = tuple(value for value in old if value not in new)
    added = tuple(value for value in new if value not in old)
    if not added and not removed:
        return None
    return FieldChange(name, old, new, added=added, removed=removed)


def _variant_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    found: list[FieldChange | None] = [_plain_change("account_id", before.get("account_id"), after.get("account_id"))]
    found += [_text_change(name, before.get(name), after.get(name)) for name in TEXT_FIELDS]
    found += [_plain_change(name, before.get(name), after.get(name)) for name in PLAIN_FIELDS]
    found += [_list_change(name, before.get(name), after.get(name)) for name in LIST_FIELDS]
    return tuple(change for change in found if change is not None)


_EMPTY_VARIANT: dict[str, Any] = {"account_id": None, "title": "", "text": "", "link": "", "hashtags": [], "media_ids": []}


def _pair_variants(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]:
    """Pairs (before, after): first by platform and account, then the leftovers by platform alone (in
    order); whatever remains was added or removed. Ordered as the new snapshot, removed ones last."""
    unmatched_old = list(range(len(old)))
    partner: dict[int, int] = {}
    for j, variant in enumerate(new):
        key = (variant.get("platform"), variant.get("account_id"))
        for i in unmatched_old:
            if (old[i].get("platform"), old[i].get("account_id")) == key:
                partner[j] = i
                unmatched_old.remove(i)
                break
    for j, variant in enumerate(new):
        if j in partner:
            continue
        for i in unmatched_old:
            if old[i].get("platform") == variant.get("platform"):
                partner[j] = i
                unmatched_old.remove(i)
                break
    pairs: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]] = [
        (old[partner[j]] if j in partner else None, variant) for j, variant in enumerate(new)
    ]
    pairs += [(old[i], None) for i in unmatched_old]
    return pairs


def snapshot_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> SnapshotDiff:
    """What changed from snapshot ``before`` to snapshot ``after``."""
    changes = [
        _text_change("title", before.get("title"), after.get("title")),
        _plain_change("kind", before.get("kind"), after.get("kind")),
    ]
    variants: list[VariantDiff] = []
    for old, new in _pair_variants(list(before.get("variants") or []), list(after.get("variants") or [])):
        if old is None and new is not None:
            variants.append(
                VariantDiff(str(new.get("platform")), new.get("account_id"), "added", _variant_changes(_EMPTY_VARIANT, new))
            )
        elif new is None and old is not None:
            variants.append(
                VariantDiff(str(old.get("platform")), old.get("account_id"), "removed", _variant_changes(old, _EMPTY_VARIANT))
            )
        elif old is not None and new is not None:
            found = _variant_changes(old, new)
            variants.append(
                VariantDiff(str(new.get("platform")), new.get("account_id"), "changed" if found else "unchanged", found)
            )
    return SnapshotDiff(changes=tuple(change for change in changes if change is not None), variants=tuple(variants))
