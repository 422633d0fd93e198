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

What an outside member reaches is one rule per kind of object, also data (:data:`VISIBILITY`, keyed by
model label so that ``core`` imports no context): :func:`scope` narrows every list to it and
:func:`decide` applies it to a single object of a listed kind. Other objects (wrappers such as an
approval subject) take part through duck typing: ``workspace_id``, and optionally ``created_by_id``,
``owner_id``, ``authored_by(user)``, ``is_assigned_to(user)`` and ``is_shared_with(user)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
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


@dataclass(frozen=True)
class Reach:
    """How an outside member reaches the objects of one kind (one model); the team reaches them all.

    - ``shared``: field lookups and values that must all hold for a client to reach the object (empty:
      never), e.g. ``(("item__is_shared_with_clients", True),)``;
    - ``assigned``: user lookups; a contractor reaches the object when any of them names them (empty:
      never), e.g. ``("owner", "created_by")``;
    - ``own``: user lookups through which any outside member reaches their own objects (their
      membership, their tokens, their notifications);
    - ``workspace``: the lookup of the object's workspace.
    """

    shared: tuple[tuple[str, object], ...] = ()
    assigned: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    workspace: str = "workspace"


NEVER = Reach()


def _through(path: str, *, client: bool = True, contractor: tuple[str, ...]) -> Reach:
    """Reached through a content item or campaign at ``path`` (``item``, ``post__item``, ``campaign``)."""
    shared = ((f"{path}__is_shared_with_clients", True),) if client else ()
    return Reach(shared=shared, assigned=tuple(f"{path}__{lookup}" for lookup in contractor))


_ITEM = ("owner", "created_by")
_CAMPAIGN = ("owner",)

# THE visibility rule, one per object kind (model label). Every list and every detail page or API read
# of a workspace object goes through it (:func:`scope`, and :func:`decide` for a single object), and
# tests/core/test_visibility.py checks that every model of a workspace has an entry. Kinds an outside
# member never reaches are NEVER: settings, routes, playbooks, initiatives, accounts, analytics.
VISIBILITY: dict[str, Reach] = {
    # Accounts and core
    "accounts.Membership": Reach(own=("user",)),
    "accounts.Invitation": NEVER,
    "accounts.ApiToken": Reach(own=("user",)),
    "core.AuditEvent": NEVER,
    "core.Notification": Reach(own=("recipient",)),
    # Strategy: objectives shared with clients, or owned (or holding a key result owned) by the contractor
    "strategy.Period": Reach(
        shared=(("objectives__is_shared_with_clients", True),),
        assigned=("objectives__owner", "objectives__key_results__owner"),
    ),
    "strategy.BusinessGoal": Reach(
        shared=(("objectives__is_shared_with_clients", True),),
        assigned=("objectives__owner", "objectives__key_results__owner"),
    ),
    "strategy.Objective": Reach(shared=(("is_shared_with_clients", True),), assigned=("owner", "key_results__owner")),
    "strategy.KeyResult": Reach(shared=(("objective__is_shared_with_clients", True),), assigned=("owner", "objective__owner")),
    "strategy.CheckIn": Reach(
        shared=(("key_result__objective__is_shared_with_clients", True),),
        assigned=("key_result__owner", "key_result__objective__owner"),
    ),
    # Campaigns: shared with clients, or owned by the contractor; their parts go with them
    "campaigns.Campaign": Reach(shared=(("is_shared_with_clients", True),), assigned=_CAMPAIGN),
    "campaigns.CampaignOutput": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.ChecklistMark": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.GateApproval": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.StageTransition": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.BudgetLine": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.BudgetIncreaseRequest": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.RaciAssignment": _through("campaign", contractor=_CAMPAIGN),
    "campaigns.Risk": _through("campaign", contractor=_CAMPAIGN),
    # Tasks are the team's work: a contractor reaches their own and those of their campaigns; clients none.
    "campaigns.Task": Reach(assigned=("owner", "campaign__owner")),
    "campaigns.WorkflowDefinition": NEVER,
    "campaigns.WorkflowVersion": NEVER,
    "campaigns.CampaignSettings": NEVER,
    "campaigns.Initiative": NEVER,
    "campaigns.Playbook": NEVER,
    # Content: items shared with clients, or owned or created by the contractor
    "content.ContentItem": Reach(shared=(("is_shared_with_clients", True),), assigned=_ITEM),
    "content.ContentVariant": _through("item", contractor=_ITEM),
    "content.ContentVersion": Reach(
        shared=(("item__is_shared_with_clients", True),),
        assigned=("item__owner", "item__created_by"),
        workspace="item__workspace",
    ),
    "content.ClientReviewLink": Reach(assigned=("item__owner", "item__created_by")),
    "content.ApprovalDecision": _through("item", contractor=_ITEM),
    # A client reads only the comments meant for clients; a contractor every comment on their items.
    "content.Comment": Reach(
        shared=(("item__is_shared_with_clients", True), ("is_internal", False)),
        assigned=("item__owner", "item__created_by"),
    ),
    "content.CommentAttachment": Reach(
        shared=(("comment__item__is_shared_with_clients", True), ("comment__is_internal", False)),
        assigned=("comment__item__owner", "comment__item__created_by"),
        workspace="comment__workspace",
    ),
    "content.MediaAsset": Reach(
        shared=(("variants__item__is_shared_with_clients", True),),
        assigned=("uploaded_by", "variants__item__owner", "variants__item__created_by"),
    ),
    "content.ContentSettings": NEVER,
    "content.ApprovalRoute": NEVER,
    "content.ApprovalLevel": Reach(workspace="route__workspace"),
    "content.CalendarEvent": NEVER,
    "content.CalendarFeed": Reach(own=("created_by",)),
    # Publishing: posts go with their content item; accounts (whose settings hold webhook URLs) never
    "publishing.ChannelAccount": NEVER,
    "publishing.Post": _through("item", contractor=_ITEM),
    "publishing.PublishAttempt": Reach(
        shared=(("post__item__is_shared_with_clients", True),),
        assigned=("post__item__owner", "post__item__created_by"),
        workspace="post__workspace",
    ),
    "publishing.Recurrence": Reach(
        shared=(("item__is_shared_with_clients", True),),
        assigned=("item__owner", "item__created_by"),
        workspace="item__workspace",
    ),
    "publishing.PublishingSettings": NEVER,
    # Analytics is for the team only
    "analytics.DataSource": NEVER,
    "analytics.Import": NEVER,
    "analytics.FactFile": NEVER,
    "analytics.CampaignMapping": NEVER,
    "analytics.KeyResultMetric": NEVER,
    "analytics.AnomalyAlert": NEVER,
    "analytics.AnalyticsSettings": NEVER,
    "analytics.Experiment": NEVER,
    "analytics.ExperimentVariant": NEVER,
}


class UserLike(Protocol):
    pk: Any
    is_active: bool


class MembershipLike(Protocol):
    workspace_id: Any
    role: str


class MemberLike(MembershipLike, Protocol):
    user_id: Any


M = TypeVar("M", bound=models.Model)


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


def reach_of(model: type[models.Model]) -> Reach:
    """The visibility rule of ``model``; a model of a workspace without one is a programming error."""
    try:
        return VISIBILITY[model._meta.label]
    except KeyError:
        raise LookupError(f"No visibility rule for {model._meta.label}; add one to alur.core.policy.VISIBILITY.") from None


def outside_condition(model: type[models.Model], role: str, user_id: Any) -> Q | None:
    """What an object of ``model`` must satisfy for a member of ``role`` (user ``user_id``) to reach it:
    ``None`` for the team (everything), a condition matching nothing when the role never reaches it."""
    if role not in OUTSIDE_ROLES:
        return None
    reach = reach_of(model)
    condition = Q(pk__in=[])
    for lookup in reach.own:
        condition |= Q(**{lookup: user_id})
    if role == Role.CLIENT and reach.shared:
        condition |= Q(**dict(reach.shared))
    if role == Role.CONTRACTOR:
        for lookup in reach.assigned:
            condition |= Q(**{lookup: user_id})
    return condition


def scope(queryset: QuerySet[M], membership: MemberLike) -> QuerySet[M]:
    """``queryset`` narrowed to the member's workspace and to what their role reaches (see
    :data:`VISIBILITY`): every list of workspace objects is built through this."""
    model = queryset.model
    reach = reach_of(model)
    queryset = queryset.filter(**{reach.workspace: membership.workspace_id})
    condition = outside_condition(model, membership.role, membership.user_id)
    if condition is None:
        return queryset
    # A subquery keeps rows single when the rule follows a many-valued relation (media → variants).
    return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))


def reaches_kind(membership: MembershipLike, model: type[models.Model]) -> bool:
    """Whether the member reaches any object of ``model`` at all: the team always; an outside member
    only when the kind's rule gives their role a way (so never for settings, routes, accounts...)."""
    role = membership.role
    if role not in OUTSIDE_ROLES:
        return True
    reach = reach_of(model)
    return bool(reach.own or (reach.shared if role == Role.CLIENT else reach.assigned))


def require_kind(user: UserLike | None, membership: MembershipLike, model: type[models.Model]) -> None:
    """Raise ``PermissionDenied`` when the member reaches no object of ``model`` (a page or answer made
    of one such kind only, like the workspace's campaign rules or publishing settings)."""
    if not reaches_kind(membership, model):
        raise PermissionDenied(_role_denial(Role(membership.role)).message)


def decide_workspace_create(user: UserLike | None, roles: Iterable[str]) -> Decision:
    """Whether ``user``, holding ``roles`` across their workspaces, may create a workspace.

    Anyone signed in may start one (a new team signing up has no membership yet), except a person whose
    only memberships are outside roles: a client or contractor is a guest of someone else's workspace,
    and a workspace made from there would be a place the team cannot see.
    """
    if user is None or not getattr(user, "is_active", False):
        return Decision(False, _("Sign in with an active account first."))
    held = {Role(role) for role in roles}
    if held and held <= OUTSIDE_ROLES:
        return Decision(False, _("Clients and contractors cannot create workspaces; ask the team that invited you."))
    return ALLOW


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
    if isinstance(obj, models.Model) and obj.pk is not None and obj._meta.label in VISIBILITY:
        condition = outside_condition(type(obj), role, user.pk)
        return condition is None or type(obj)._default_manager.filter(condition, pk=obj.pk).exists()
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
