"""The one permission policy: the role × action matrix, object-level rules, and its denials."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from alur.core.policy import OUTSIDE_LIST_ACTIONS, RULES, Action, Visibility, allowed_actions, decide, require, visibility_for
from alur.core.roles import Role

R = Role
ALL = set(Role)
INTERNAL = ALL - {R.CLIENT, R.CONTRACTOR}


@dataclass
class FakeUser:
    pk: int = 1
    is_active: bool = True


@dataclass
class FakeMembership:
    role: str
    workspace_id: int = 10


@dataclass
class Thing:
    """Any workspace object, as later contexts will have them."""

    workspace_id: int = 10
    created_by_id: int | None = None
    owner_id: int | None = None
    assigned: tuple[int, ...] = ()
    shared: tuple[int, ...] = ()
    approvers: tuple[int, ...] = ()

    def is_assigned_to(self, user: FakeUser) -> bool:
        return user.pk in self.assigned

    def is_shared_with(self, user: FakeUser) -> bool:
        return user.pk in self.shared

    def names_approver(self, user: FakeUser) -> bool:
        return user.pk in self.approvers


# The foundation's matrix, written out by hand (not derived from RULES) so that a change to the
# policy has to be made twice, on purpose.
EXPECTED = {
    Action.WORKSPACE_VIEW: ALL,
    Action.WORKSPACE_UPDATE: {R.MANAGER},
    Action.MEMBER_VIEW: INTERNAL,
    Action.MEMBER_INVITE: {R.MANAGER},
    Action.MEMBER_CHANGE_ROLE: {R.MANAGER},
    Action.MEMBER_REMOVE: {R.MANAGER},
    Action.AUDIT_VIEW: {R.MANAGER},
    Action.TOKEN_CREATE: ALL,
    # Anyone inside may be named in an approval level; the object decides (see below).
    Action.CONTENT_APPROVE: INTERNAL,
    Action.ANALYTICS_IMPORT: {R.MANAGER, R.PERFORMANCE_MARKETER, R.DATA_ANALYST},
    Action.BUDGET_APPROVE_SPEND: {R.MANAGER},
    Action.CHANNEL_MANAGE: {R.MANAGER, R.SOCIAL_MEDIA_SPECIALIST},
    Action.OBJECTIVE_MANAGE: {R.MANAGER, R.STRATEGIST},
}


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_role_action_matrix_without_an_object(role: Role, action: Action) -> None:
    decision = decide(FakeUser(), FakeMembership(role), action)
    assert bool(decision) is (role in EXPECTED[action]), decision.message


def test_every_action_has_a_rule() -> None:
    assert set(RULES) == set(Action)


def test_anonymous_or_inactive_users_are_denied_everything() -> None:
    for action in Action:
        assert not decide(None, FakeMembership(R.MANAGER), action)
        assert not decide(FakeUser(is_active=False), FakeMembership(R.MANAGER), action)


def test_a_non_member_is_denied_with_a_reason() -> None:
    decision = decide(FakeUser(), None, Action.WORKSPACE_VIEW)
    assert not decision
    assert "not a member" in decision.message


def test_objects_of_another_workspace_are_never_reachable_even_for_managers() -> None:
    foreign = Thing(workspace_id=99)
    for action in Action:
        assert not decide(FakeUser(), FakeMembership(R.MANAGER), action, foreign)


def test_nobody_approves_what_they_created() -> None:
    mine = Thing(created_by_id=1, shared=(1,), approvers=(1,))
    for role in (R.MANAGER, R.APPROVER, R.CLIENT):
        decision = decide(FakeUser(pk=1), FakeMembership(role), Action.CONTENT_APPROVE, mine)
        assert not decision
        assert "yourself" in decision.message
    someone_elses = Thing(created_by_id=2, approvers=(1,))
    assert decide(FakeUser(pk=1), FakeMembership(R.APPROVER), Action.CONTENT_APPROVE, someone_elses)


def test_a_contractor_reaches_only_what_is_assigned_to_them() -> None:
    contractor = FakeUser(pk=7)
    membership = FakeMembership(R.CONTRACTOR)
    assigned = Thing(assigned=(7,), approvers=(7,))
    unassigned = Thing(assigned=(8,))
    assert decide(contractor, membership, Action.CONTENT_VIEW, assigned)
    assert decide(contractor, membership, Action.CONTENT_EDIT, assigned)
    denied = decide(contractor, membership, Action.CONTENT_VIEW, unassigned)
    assert not denied and "assigned" in denied.message
    assert not decide(contractor, membership, Action.CONTENT_EDIT, unassigned)
    assert not decide(contractor, membership, Action.CONTENT_APPROVE, assigned)
    assert not decide(contractor, membership, Action.MEMBER_VIEW)


def test_a_client_reaches_only_what_is_shared_with_them() -> None:
    client = FakeUser(pk=5)
    membership = FakeMembership(R.CLIENT)
    shared = Thing(shared=(5,), created_by_id=3, approvers=(5,))
    private = Thing(created_by_id=3, approvers=(5,))
    assert decide(client, membership, Action.CONTENT_VIEW, shared)
    assert decide(client, membership, Action.CONTENT_APPROVE, shared)
    assert not decide(client, membership, Action.CONTENT_VIEW, private)
    assert not decide(client, membership, Action.CONTENT_APPROVE, private)
    assert not decide(client, membership, Action.CONTENT_EDIT, shared)
    assert not decide(client, membership, Action.ANALYTICS_VIEW)


def test_only_the_approvers_named_by_the_waiting_level_may_approve() -> None:
    waiting_for_legal = Thing(created_by_id=3, approvers=(4,))
    assert decide(FakeUser(pk=4), FakeMembership(R.CONTENT_CREATOR), Action.CONTENT_APPROVE, waiting_for_legal)
    denied = decide(FakeUser(pk=1), FakeMembership(R.MANAGER), Action.CONTENT_APPROVE, waiting_for_legal)
    assert not denied and "level" in denied.message


def test_the_owner_may_check_in_on_their_own_key_result_whatever_their_role() -> None:
    owner = FakeUser(pk=4)
    assert decide(owner, FakeMembership(R.CONTENT_CREATOR), Action.KEY_RESULT_CHECK_IN, Thing(owner_id=4))
    assert not decide(owner, FakeMembership(R.CONTENT_CREATOR), Action.KEY_RESULT_CHECK_IN, Thing(owner_id=5))


def test_require_raises_permission_denied_with_the_reason() -> None:
    with pytest.raises(PermissionDenied, match="may not"):
        require(FakeUser(), FakeMembership(R.DESIGNER), Action.AUDIT_VIEW)
    require(FakeUser(), FakeMembership(R.MANAGER), Action.AUDIT_VIEW)


def test_visibility_narrows_lists_for_outside_roles() -> None:
    assert visibility_for(R.CONTRACTOR) == Visibility.ASSIGNED
    assert visibility_for(R.CLIENT) == Visibility.SHARED
    assert all(visibility_for(role) == Visibility.ALL for role in INTERNAL)


def test_allowed_actions_agree_with_decide() -> None:
    for role in Role:
        membership = FakeMembership(role)
        assert allowed_actions(membership) == {a for a in Action if decide(FakeUser(), membership, a)}
    assert allowed_actions(None) == set()


@given(
    role=st.sampled_from(list(Role)),
    action=st.sampled_from(list(Action)),
    user_pk=st.integers(1, 5),
    created_by=st.one_of(st.none(), st.integers(1, 5)),
    owner=st.one_of(st.none(), st.integers(1, 5)),
    assigned=st.lists(st.integers(1, 5), max_size=3),
    shared=st.lists(st.integers(1, 5), max_size=3),
    workspace_id=st.sampled_from([10, 11]),
)
def test_policy_invariants_hold_for_any_object(
    role: Role,
    action: Action,
    user_pk: int,
    created_by: int | None,
    owner: int | None,
    assigned: list[int],
    shared: list[int],
    workspace_id: int,
) -> None:
    user = FakeUser(pk=user_pk)
    membership = FakeMembership(role)
    thing = Thing(
        workspace_id=workspace_id, created_by_id=created_by, owner_id=owner, assigned=tuple(assigned), shared=tuple(shared)
    )
    allowed = bool(decide(user, membership, action, thing))
    if workspace_id != membership.workspace_id:
        assert not allowed
    if allowed and RULES[action].forbid_own:
        assert created_by != user_pk
    if allowed and role == R.CLIENT:
        assert user_pk in shared
    if allowed and role == R.CONTRACTOR:
        assert user_pk in assigned or owner == user_pk
    if allowed and role not in RULES[action].roles:
        assert RULES[action].owner_also and owner == user_pk


def test_outside_roles_act_without_an_object_only_on_lists_and_new_drafts() -> None:
    for role in (R.CLIENT, R.CONTRACTOR):
        for action in Action:
            if decide(FakeUser(), FakeMembership(role), action):
                assert action in OUTSIDE_LIST_ACTIONS
