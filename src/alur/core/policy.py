"""The one permission policy: every action in Alur is decided here.

A decision is made from four things: the user, their role in the workspace, the workspace and,
where there is one, the object acted on. Views, the API, the CLI and background tasks all ask
:func:`decide` (or :func:`require`, which raises); nothing else in the code base decides who may
do what.

The rules are data (:data:`RULES`): for each action, the roles allowed to take it, and object-level
conditions:

- the object must belong to the workspace (an object of another workspace is never reachable);
- a contractor only acts on objects assigned to them, a client only on objects shared with them;
- ``forbid_own``: the creator of an object may not take the action on it (nobody approves their own
  post), nor anyone the object names as its author (``authored_by(user)``: e.g. the owner or the last
  editor of a content item);
- ``owner_also``: the object's owner may take the action even without one of the listed roles.

Objects take part through duck typing, so later contexts need no registration: ``workspace_id``,
and optionally ``created_by_id``, ``owner_id``, ``authored_by(user)``, ``is_assigned_to(user)`` and
``is_shared_with(user)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alur.core.roles import ALL_ROLES, INTERNAL_ROLES, OUTSIDE_ROLES, Role


class Action(StrEnum):
    """Everything a member can do. Names read ``<thing>.<verb>``."""

    WORKSPACE_VIEW = "workspace.view"
    WORKSPACE_UPDATE = "workspace.update"
    MEMBER_VIEW = "member.view"
    MEMBER_INVITE = "member.invite"
    MEMBER_CHANGE_ROLE = "member.change_role"
    MEMBER_REMOVE = "member.remove"
    AUDIT_VIEW = "audit.view"
    TOKEN_CREATE = "token.create"
    # Strategy
    OBJECTIVE_VIEW = "objective.view"
    OBJECTIVE_MANAGE = "objective.manage"
    KEY_RESULT_CHECK_IN = "key_result.check_in"
    # Campaigns
    CAMPAIGN_VIEW = "campaign.view"
    CAMPAIGN_MANAGE = "campaign.manage"
    CAMPAIGN_APPROVE_PLAN = "campaign.approve_plan"
    CAMPAIGN_STAGE_WORK = "campaign.stage_work"
    BUDGET_MANAGE = "budget.manage"
    BUDGET_APPROVE_SPEND = "budget.approve_spend"
    TASK_MANAGE = "task.manage"
    TASK_UPDATE = "task.update"
    WORKFLOW_MANAGE = "workflow.manage"
    # Content
    CONTENT_VIEW = "content.view"
    CONTENT_CREATE = "content.create"
    CONTENT_EDIT = "content.edit"
    CONTENT_APPROVE = "content.approve"
    CONTENT_COMMENT = "content.comment"
    GUIDELINE_MANAGE = "guideline.manage"
    APPROVAL_SETTINGS = "approval.settings"
    CALENDAR_MANAGE = "calendar.manage"
    # Publishing
    CHANNEL_MANAGE = "channel.manage"
    POST_SCHEDULE = "post.schedule"
    POST_PUBLISH = "post.publish"
    # Analytics and reports
    ANALYTICS_VIEW = "analytics.view"
    ANALYTICS_IMPORT = "analytics.import"
    EXPERIMENT_MANAGE = "experiment.manage"
    REPORT_VIEW = "report.view"
    REPORT_MANAGE = "report.manage"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    forbid_own: bool = False
    owner_also: bool = False
    # The object must name the user (``names_approver(user)``), e.g. the current level of an approval.
    named_only: bool = False


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


R = Role
_PLANNERS = _roles(R.MANAGER, R.STRATEGIST, R.CAMPAIGN_MANAGER)
_MAKERS = _roles(
    R.MANAGER,
    R.CAMPAIGN_MANAGER,
    R.CONTENT_CREATOR,
    R.DESIGNER,
    R.SOCIAL_MEDIA_SPECIALIST,
    R.COMMUNITY_MANAGER,
    R.CONTRACTOR,
)
_ANALYSTS = _roles(R.MANAGER, R.PERFORMANCE_MARKETER, R.DATA_ANALYST)

RULES: dict[Action, Rule] = {
    Action.WORKSPACE_VIEW: Rule(ALL_ROLES),
    Action.WORKSPACE_UPDATE: Rule(_roles(R.MANAGER)),
    Action.MEMBER_VIEW: Rule(INTERNAL_ROLES),
    Action.MEMBER_INVITE: Rule(_roles(R.MANAGER)),
    Action.MEMBER_CHANGE_ROLE: Rule(_roles(R.MANAGER)),
    Action.MEMBER_REMOVE: Rule(_roles(R.MANAGER)),
    Action.AUDIT_VIEW: Rule(_roles(R.MANAGER)),
    Action.TOKEN_CREATE: Rule(ALL_ROLES),
    Action.OBJECTIVE_VIEW: Rule(ALL_ROLES),
    Action.OBJECTIVE_MANAGE: Rule(_roles(R.MANAGER, R.STRATEGIST)),
    Action.KEY_RESULT_CHECK_IN: Rule(_roles(R.MANAGER, R.STRATEGIST, *_ANALYSTS), owner_also=True),
    Action.CAMPAIGN_VIEW: Rule(ALL_ROLES),
    Action.CAMPAIGN_MANAGE: Rule(_PLANNERS),
    Action.CAMPAIGN_APPROVE_PLAN: Rule(_roles(R.MANAGER), forbid_own=True),
    Action.CAMPAIGN_STAGE_WORK: Rule((INTERNAL_ROLES - {R.APPROVER}) | {R.CONTRACTOR}),
    Action.BUDGET_MANAGE: Rule(_roles(R.MANAGER, R.CAMPAIGN_MANAGER, R.PERFORMANCE_MARKETER)),
    Action.BUDGET_APPROVE_SPEND: Rule(_roles(R.MANAGER), forbid_own=True),
    Action.TASK_MANAGE: Rule(_PLANNERS),
    Action.TASK_UPDATE: Rule(INTERNAL_ROLES | {R.CONTRACTOR}),
    Action.WORKFLOW_MANAGE: Rule(_roles(R.MANAGER, R.CAMPAIGN_MANAGER)),
    Action.CONTENT_VIEW: Rule(ALL_ROLES),
    Action.CONTENT_CREATE: Rule(_MAKERS),
    Action.CONTENT_EDIT: Rule(_MAKERS, owner_also=True),
    Action.CONTENT_APPROVE: Rule(ALL_ROLES - {R.CONTRACTOR}, forbid_own=True, named_only=True),
    Action.CONTENT_COMMENT: Rule(ALL_ROLES),
    Action.GUIDELINE_MANAGE: Rule(_roles(R.MANAGER, R.STRATEGIST, R.SOCIAL_MEDIA_SPECIALIST)),
    Action.APPROVAL_SETTINGS: Rule(_roles(R.MANAGER)),
    Action.CALENDAR_MANAGE: Rule(_roles(R.MANAGER, R.STRATEGIST, R.CAMPAIGN_MANAGER, R.SOCIAL_MEDIA_SPECIALIST)),
    Action.CHANNEL_MANAGE: Rule(_roles(R.MANAGER, R.SOCIAL_MEDIA_SPECIALIST)),
    Action.POST_SCHEDULE: Rule(_roles(R.MANAGER, R.CAMPAIGN_MANAGER, R.SOCIAL_MEDIA_SPECIALIST)),
    Action.POST_PUBLISH: Rule(_roles(R.MANAGER, R.SOCIAL_MEDIA_SPECIALIST)),
    Action.ANALYTICS_VIEW: Rule(INTERNAL_ROLES),
    Action.ANALYTICS_IMPORT: Rule(_ANALYSTS),
    Action.EXPERIMENT_MANAGE: Rule(_ANALYSTS),
    Action.REPORT_VIEW: Rule(ALL_ROLES),
    Action.REPORT_MANAGE: Rule(_roles(R.MANAGER, R.CAMPAIGN_MANAGER, R.DATA_ANALYST)),
}

# Actions an outside member may take without an object at hand: opening a list that the selectors
# narrow to what is assigned to or shared with them, or creating something new (a contractor's draft).
OUTSIDE_LIST_ACTIONS = frozenset(
    {
        Action.WORKSPACE_VIEW,
        Action.TOKEN_CREATE,
        Action.OBJECTIVE_VIEW,
        Action.CAMPAIGN_VIEW,
        Action.CONTENT_VIEW,
        Action.CONTENT_CREATE,
        Action.REPORT_VIEW,
    }
)


class Visibility(StrEnum):
    """How much of a workspace's lists a member sees; selectors filter by it."""

    ALL = "all"
    ASSIGNED = "assigned"
    SHARED = "shared"


class UserLike(Protocol):
    pk: Any
    is_active: bool


class MembershipLike(Protocol):
    workspace_id: Any
    role: str


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and why; truthy when allowed.

    The reason stays lazy (translated only when :attr:`message` is read), so deciding is cheap and the
    message comes out in the language active where it is shown.
    """

    allowed: bool
    reason: str | Promise = ""
    params: tuple[tuple[str, str | Promise], ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        params = {key: str(value) for key, value in self.params}
        return str(self.reason) % params if params else str(self.reason)


ALLOW = Decision(True)


def visibility_for(role: str) -> Visibility:
    if role == Role.CONTRACTOR:
        return Visibility.ASSIGNED
    if role == Role.CLIENT:
        return Visibility.SHARED
    return Visibility.ALL


def _call_or_false(obj: object, method: str, user: UserLike) -> bool:
    check = getattr(obj, method, None)
    return bool(check(user)) if callable(check) else False


def decide(
    user: UserLike | None,
    membership: MembershipLike | None,
    action: Action,
    obj: object | None = None,
) -> Decision:
    """Decide whether ``user``, holding ``membership``, may take ``action`` (on ``obj``).

    ``membership`` must be the user's membership of the workspace in question, or ``None`` when they
    have none; a missing membership is always a denial.
    """
    if user is None or not getattr(user, "is_active", False):
        return Decision(False, _("Sign in with an active account first."))
    if membership is None:
        return Decision(False, _("You are not a member of this workspace."))
    if obj is not None:
        object_workspace = getattr(obj, "workspace_id", None)
        if object_workspace is not None and object_workspace != membership.workspace_id:
            return Decision(False, _("This belongs to another workspace."))
    rule = RULES[action]
    role = Role(membership.role)
    is_owner = obj is not None and getattr(obj, "owner_id", None) == user.pk
    if rule.forbid_own and obj is not None and getattr(obj, "created_by_id", None) == user.pk:
        return Decision(False, _("You created this yourself; someone else has to do this."))
    if rule.forbid_own and obj is not None and _call_or_false(obj, "authored_by", user):
        return Decision(False, _("You wrote, own or last changed this content; someone else has to approve it."))
    if role not in rule.roles and not (rule.owner_also and is_owner):
        return _role_denial(role)
    if rule.named_only and obj is not None and not _call_or_false(obj, "names_approver", user):
        return Decision(False, _("You are not an approver of the level this is waiting for."))
    if role in OUTSIDE_ROLES:
        if obj is None:
            if action not in OUTSIDE_LIST_ACTIONS:
                return _role_denial(role)
        elif obj is not None and not _outside_member_reaches(user, role, obj):
            return Decision(False, _("This has not been assigned to or shared with you."))
    return ALLOW


def _role_denial(role: Role) -> Decision:
    return Decision(False, _("Your role (%(role)s) may not do this."), (("role", role.label),))


def _outside_member_reaches(user: UserLike, role: Role, obj: object) -> bool:
    if role == Role.CONTRACTOR:
        return _call_or_false(obj, "is_assigned_to", user) or getattr(obj, "owner_id", None) == user.pk
    return _call_or_false(obj, "is_shared_with", user)


def require(
    user: UserLike | None,
    membership: MembershipLike | None,
    action: Action,
    obj: object | None = None,
) -> None:
    """Like :func:`decide`, but raise ``PermissionDenied`` with the reason when denied."""
    decision = decide(user, membership, action, obj)
    if not decision:
        raise PermissionDenied(decision.message)


def allowed_actions(membership: MembershipLike | None, actions: Iterable[Action] = tuple(Action)) -> set[Action]:
    """The object-free actions a membership may take; used to show or hide navigation and buttons."""
    if membership is None:
        return set()
    role = Role(membership.role)
    return {
        action
        for action in actions
        if role in RULES[action].roles and (role not in OUTSIDE_ROLES or action in OUTSIDE_LIST_ACTIONS)
    }
