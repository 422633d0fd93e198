"""The content status machine as data: which moves exist and what each needs. Framework-free.

    idea → draft → in_review → approved → scheduled → published
                                               ↘ failed → scheduled (retry)
    published → rolled_back;  draft/in_review/approved → expired when the publish time passes unapproved

The services decide *whether* a move is allowed for an item (its approvals, its guideline errors, the
actor's role); this table only says which moves exist, so an unknown move is refused with a reason
before anything else is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

IDEA = "idea"
DRAFT = "draft"
IN_REVIEW = "in_review"
APPROVED = "approved"
SCHEDULED = "scheduled"
PUBLISHED = "published"
FAILED = "failed"
ROLLED_BACK = "rolled_back"
EXPIRED = "expired"

STATUSES = (IDEA, DRAFT, IN_REVIEW, APPROVED, SCHEDULED, PUBLISHED, FAILED, ROLLED_BACK, EXPIRED)

# Statuses whose text may still be edited; an edit of APPROVED or SCHEDULED content sends it back to review.
EDITABLE = frozenset({IDEA, DRAFT, IN_REVIEW, APPROVED, SCHEDULED, FAILED, EXPIRED})
# Statuses that still wait for approval; such an item at its publish time expires instead of going out.
UNAPPROVED = frozenset({IDEA, DRAFT, IN_REVIEW})
# Statuses shown on the calendar as "done" (no longer movable).
FINAL = frozenset({PUBLISHED, ROLLED_BACK})

TRANSITIONS: dict[str, frozenset[str]] = {
    IDEA: frozenset({DRAFT}),
    DRAFT: frozenset({IDEA, IN_REVIEW, APPROVED, SCHEDULED, EXPIRED}),
    IN_REVIEW: frozenset({DRAFT, APPROVED, SCHEDULED, EXPIRED}),
    APPROVED: frozenset({IN_REVIEW, DRAFT, SCHEDULED, EXPIRED}),
    SCHEDULED: frozenset({APPROVED, IN_REVIEW, DRAFT, PUBLISHED, FAILED}),
    PUBLISHED: frozenset({ROLLED_BACK}),
    FAILED: frozenset({SCHEDULED, DRAFT}),
    ROLLED_BACK: frozenset({DRAFT}),
    EXPIRED: frozenset({DRAFT}),
}


@dataclass(frozen=True)
class Move:
    allowed: bool
    reason: str = ""


def can_move(current: str, target: str) -> Move:
    """Whether the status machine has the move ``current`` → ``target`` at all.

    The reason is an English sentence template; callers translate it (the strings are marked in
    :mod:`alur.content.services`).
    """
    if current not in TRANSITIONS:
        return Move(False, "unknown status")
    if target == current:
        return Move(False, "already")
    if target not in TRANSITIONS[current]:
        return Move(False, "no such move")
    return Move(True)
