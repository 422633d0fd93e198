"""``forbid_own`` also refuses whoever the object names as its author (``authored_by``), by duck typing, so
core stays free of contexts: a content item names its owner and its last content editor."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from alur.core.policy import Action, decide
from alur.core.roles import Role


@dataclass
class User:
    pk: int
    is_active: bool = True


@dataclass
class Membership:
    role: str
    workspace_id: int = 10


@dataclass
class Draft:
    authors: tuple[int, ...]
    workspace_id: int = 10
    created_by_id: int = 99

    def authored_by(self, user: User) -> bool:
        return user.pk in self.authors

    def names_approver(self, user: User) -> bool:
        return True


def test_an_author_may_not_approve_and_others_may() -> None:
    draft = Draft(authors=(1, 2))
    for pk in (1, 2):
        with translation.override("en"):
            decision = decide(User(pk), Membership(Role.APPROVER), Action.CONTENT_APPROVE, draft)
        assert not decision and "last changed" in decision.message
    assert decide(User(3), Membership(Role.APPROVER), Action.CONTENT_APPROVE, draft)


def test_authorship_matters_only_where_the_rule_forbids_own() -> None:
    draft = Draft(authors=(1,))
    assert decide(User(1), Membership(Role.MANAGER), Action.CONTENT_EDIT, draft)
    assert decide(User(1), Membership(Role.MANAGER), Action.CONTENT_VIEW, draft)
