"""Seed 003's four approval workflows (none, optional, required, multi-level), client review links, and
the reminder/escalation sweep.

How an item finds its workflow: the channel accounts of its variants may each override the workspace's
route; the strictest applies (none < optional < required < multi-level; between two multi-level
overrides, the one with more levels). Without any override the workspace route applies, and a
workspace that never chose one uses *required* with one level: managers and approvers, any one of them.

A round starts each time the item is submitted (or sent back to review by an edit); decisions belong to
a round, so an edit after approval voids the earlier approvals (choosing the channel account is not an
edit of the content). Levels are passed in order; a level with ``require_all`` needs every eligible
person (never the item's creator, owner or last content editor); a client level is passed by a client
member or through a review link. A rejection or a change request at any level ends the round
and sends the item back to draft with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.content.models import (
    ApprovalDecision,
    ApprovalLevel,
    ApprovalMode,
    ApprovalRoute,
    ClientReviewLink,
    ContentItem,
    ContentSettings,
    ContentStatus,
)
from alur.content.services.items import ITEM_FIELDS, item_url, set_status
from alur.core.audit import audit_record, snapshot
from alur.core.notifications import notify
from alur.core.policy import Action, decide, require
from alur.core.roles import Role

STRICTNESS = {ApprovalMode.NONE: 0, ApprovalMode.OPTIONAL: 1, ApprovalMode.REQUIRED: 2, ApprovalMode.MULTI_LEVEL: 3}
DEFAULT_APPROVER_ROLES = [Role.MANAGER.value, Role.APPROVER.value]
REVIEW_LINK_SALT = "alur.content.review-link"
MAX_LINK_DAYS = 60


# Routes and levels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelSpec:
    position: int
    name: str
    roles: tuple[str, ...]
    people: tuple[int, ...]
    require_all: bool
    is_client: bool


@dataclass(frozen=True)
class RouteSpec:
    mode: str
    levels: tuple[LevelSpec, ...]
    account_name: str = ""


def _default_level() -> LevelSpec:
    return LevelSpec(1, str(_("Approver")), tuple(DEFAULT_APPROVER_ROLES), (), False, False)


def _spec(route: ApprovalRoute | None) -> RouteSpec:
    if route is None:
        return RouteSpec(ApprovalMode.REQUIRED, (_default_level(),))
    levels = tuple(
        LevelSpec(
            level.position,
            level.name,
            tuple(level.roles),
            tuple(sorted(p.pk for p in level.people.all())),
            level.require_all,
            level.is_client,
        )
        for level in route.levels.all()
    )
    if route.mode == ApprovalMode.NONE:
        levels = ()
    elif route.mode in (ApprovalMode.OPTIONAL, ApprovalMode.REQUIRED):
        levels = levels[:1] or (_default_level(),)
    return RouteSpec(route.mode, levels, route.account.name if route.account is not None else "")


def workspace_route(workspace: Workspace) -> ApprovalRoute | None:
    return ApprovalRoute.objects.filter(workspace=workspace, account__isnull=True).prefetch_related("levels__people").first()


def route_for(item: ContentItem) -> RouteSpec:
    """The workflow that applies to ``item`` now (see the module docstring)."""
    account_ids = [a for a in item.variants.values_list("account_id", flat=True) if a is not None]
    overrides = list(
        ApprovalRoute.objects.filter(workspace_id=item.workspace_id, account_id__in=account_ids)
        .select_related("account")
        .prefetch_related("levels__people")
    )
    if overrides:
        specs = [_spec(route) for route in overrides]
        return max(specs, key=lambda s: (STRICTNESS[ApprovalMode(s.mode)], len(s.levels)))
    return _spec(workspace_route(item.workspace))


def _eligible(item: ContentItem, level: LevelSpec) -> set[int]:
    """Members who may decide at ``level`` (never the item's creator, owner or last content editor)."""
    members = Membership.objects.filter(workspace_id=item.workspace_id, user__is_active=True)
    ids: set[int] = set()
    if level.is_client:
        if item.is_shared_with_clients:
            ids |= set(members.filter(role=Role.CLIENT).values_list("user_id", flat=True))
    else:
        if level.roles:
            ids |= set(members.filter(role__in=level.roles).values_list("user_id", flat=True))
        if level.people:
            ids |= set(members.filter(user_id__in=level.people).exclude(role=Role.CONTRACTOR).values_list("user_id", flat=True))
    # Nobody approves what they created, own or last changed (the policy refuses them; alur.core.policy).
    ids -= {item.created_by_id, item.owner_id, item.content_changed_by_id}
    return ids


@dataclass
class LevelState:
    spec: LevelSpec
    eligible: set[int]
    approved_by: list[str] = field(default_factory=list)
    approved_ids: set[int] = field(default_factory=set)
    link_approved: bool = False

    @property
    def is_complete(self) -> bool:
        if self.spec.is_client and self.link_approved:
            return True
        if self.spec.require_all:
            return bool(self.eligible) and self.eligible <= self.approved_ids
        return bool(self.approved_ids) or self.link_approved


@dataclass
class ApprovalState:
    mode: str
    round: int
    levels: list[LevelState]

    @property
    def current(self) -> LevelState | None:
        for level in self.levels:
            if not level.is_complete:
                return level
        return None


def approval_state(item: ContentItem, route: RouteSpec | None = None) -> ApprovalState:
    """Which levels of the current round are passed, and by whom."""
    route = route or route_for(item)
    mode = item.approval_mode or route.mode
    decisions = list(
        ApprovalDecision.objects.filter(item=item, round=item.approval_round, verdict=ApprovalDecision.Verdict.APPROVE)
    )
    levels = []
    for spec in route.levels:
        state = LevelState(spec, _eligible(item, spec))
        for decision in decisions:
            if decision.level_position != spec.position:
                continue
            state.approved_by.append(decision.reviewer_label)
            if decision.user_id is not None:
                state.approved_ids.add(decision.user_id)
            if decision.client_link_id is not None:
                state.link_approved = True
        levels.append(state)
    return ApprovalState(mode, item.approval_round, levels)


@dataclass(frozen=True)
class PendingApproval:
    """What the policy looks at when someone approves: the item waiting at one level."""

    item: ContentItem
    eligible: frozenset[int]

    @property
    def workspace_id(self) -> int:
        return self.item.workspace_id

    @property
    def created_by_id(self) -> int:
        return self.item.created_by_id

    def is_shared_with(self, user: Any) -> bool:
        return self.item.is_shared_with(user)

    def is_assigned_to(self, user: Any) -> bool:
        return False

    def authored_by(self, user: Any) -> bool:
        return self.item.authored_by(user)

    def names_approver(self, user: Any) -> bool:
        return user.pk in self.eligible


def pending_for(item: ContentItem, state: ApprovalState | None = None) -> PendingApproval | None:
    if item.status != ContentStatus.IN_REVIEW:
        return None
    state = state or approval_state(item)
    current = state.current
    if current is None:
        return None
    return PendingApproval(item, frozenset(current.eligible - current.approved_ids))


def can_approve(user: User, item: ContentItem) -> bool:
    pending = pending_for(item)
    return pending is not None and bool(decide(user, membership_of(user, item.workspace), Action.CONTENT_APPROVE, pending))


# Submitting and deciding -------------------------------------------------------------------------


def require_guidelines_pass(item: ContentItem) -> None:
    """Refuse when any variant breaks a platform limit or a brand rule marked as an error."""
    from alur.content.selectors.guidelines import check_item, violation_message

    if not item.variants.exists():
        raise ValidationError(_("Add at least one channel variant before submitting."))
    labels = dict(item.variants.values_list("pk", "platform"))
    problems: list[str] = []
    for variant_id, violations in check_item(item).items():
        for violation in violations:
            if violation.severity == "error":
                problems.append(f"{labels.get(variant_id, '')}: {violation_message(violation)}")
    if problems:
        raise ValidationError([_("Fix these before submitting:"), *problems])


def _notify_level(item: ContentItem, level: LevelState, *, reminder: bool = False) -> None:
    waiting = list(User.objects.filter(pk__in=level.eligible - level.approved_ids))
    if reminder:
        message = _("Reminder: “%(title)s” is still waiting for your approval (%(level)s).")
    else:
        message = _("“%(title)s” is waiting for your approval (%(level)s).")
    notify(
        workspace=item.workspace,
        recipients=waiting,
        kind="approval_reminder" if reminder else "approval_requested",
        message=message % {"title": item.title, "level": level.spec.name},
        url=item_url(item),
        dedupe_key=f"approve:{item.pk}:{item.approval_round}:{level.spec.position}" + (":r" if reminder else ""),
    )
    if level.spec.is_client:
        from alur.content.tasks import review_link_email_send

        link_ids = list(
            ClientReviewLink.objects.filter(item=item, revoked_at__isnull=True, expires_at__gt=timezone.now()).values_list(
                "pk", flat=True
            )
        )
        transaction.on_commit(lambda: [review_link_email_send.enqueue(pk) for pk in link_ids])


def content_submit(*, actor: User, item: ContentItem) -> ContentItem:
    """Draft → in review (or straight to approved under the *none* workflow). Refused while a guideline
    error remains."""
    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("workspace").get(pk=item.pk)
        if locked.status not in (ContentStatus.DRAFT, ContentStatus.IDEA):
            raise ValidationError(
                _("Only a draft can be submitted; this is %(status)s.") % {"status": locked.get_status_display().lower()}
            )
        require_guidelines_pass(locked)
        route = route_for(locked)
        if route.mode == ApprovalMode.MULTI_LEVEL and not route.levels:
            raise ValidationError(
                _("The multi-level workflow has no levels yet; a manager must add them in the approval settings.")
            )
        before = snapshot(locked, ITEM_FIELDS)
        locked.approval_mode = route.mode
        locked.approval_round += 1
        locked.review_requested_at = timezone.now()
        locked.reminded_at = None
        locked.escalated_at = None
        if locked.status == ContentStatus.IDEA:
            set_status(locked, ContentStatus.DRAFT)
        set_status(locked, ContentStatus.APPROVED if route.mode == ApprovalMode.NONE else ContentStatus.IN_REVIEW)
        locked.save()
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="content.submit",
            obj=locked,
            before=before,
            after=snapshot(locked, ITEM_FIELDS),
        )
        if locked.status == ContentStatus.IN_REVIEW:
            current = approval_state(locked, route).current
            if current is not None:
                _notify_level(locked, current)
    return locked


def after_content_change(*, actor: User, item: ContentItem) -> None:
    """Called by ``content_update`` (inside its transaction, item locked) after what goes out changed."""
    mode = item.approval_mode or route_for(item).mode
    if item.status == ContentStatus.IN_REVIEW:
        # Approvals given to the old text no longer count.
        item.approval_round += 1
        item.review_requested_at = timezone.now()
        item.save(update_fields=["approval_round", "review_requested_at"])
        current = approval_state(item).current
        if current is not None:
            _notify_level(item, current)
        return
    if item.status not in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
        return
    if mode == ApprovalMode.NONE:
        return
    if mode == ApprovalMode.OPTIONAL and item.status == ContentStatus.SCHEDULED:
        return
    _back_to_review(actor, item, "edited after approval")


def after_account_change(*, actor: User, item: ContentItem) -> None:
    """Called by ``content_update`` (inside its transaction, item locked) when only the channel accounts
    of its variants changed. Choosing where approved content goes out is not a change of the content, so
    its approval stays; unless an account brings a stricter workflow whose levels have not all approved
    this round, which then asks for them."""
    if item.status not in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
        return
    route = route_for(item)
    if route.mode not in (ApprovalMode.REQUIRED, ApprovalMode.MULTI_LEVEL):
        return
    stricter = STRICTNESS[ApprovalMode(route.mode)] > STRICTNESS[ApprovalMode(item.approval_mode or ApprovalMode.NONE)]
    from alur.content.selectors.approvals import approved_for_publishing

    if not stricter and approved_for_publishing(item, route):
        return
    item.approval_mode = route.mode
    _back_to_review(actor, item, "a channel account with a stricter approval workflow was chosen")


def _back_to_review(actor: User, item: ContentItem, reason: str) -> None:
    before = item.status
    set_status(item, ContentStatus.IN_REVIEW)
    item.approval_round += 1
    item.review_requested_at = timezone.now()
    item.reminded_at = item.escalated_at = None
    item.save()
    audit_record(
        actor=actor,
        workspace=item.workspace,
        action="content.status",
        obj=item,
        before={"status": before},
        after={"status": item.status, "reason": reason},
    )
    current = approval_state(item).current
    if current is not None:
        _notify_level(item, current)


def _finish_round(actor: User | None, item: ContentItem, verdict: str, reason: str, reviewer: str) -> None:
    if verdict == ApprovalDecision.Verdict.APPROVE:
        state = approval_state(item)
        if state.current is None:
            set_status(item, ContentStatus.APPROVED)
            item.save()
            notify(
                workspace=item.workspace,
                recipients=[item.owner, item.created_by],
                kind="content_approved",
                message=_("“%(title)s” is approved and can be scheduled.") % {"title": item.title},
                url=item_url(item),
                dedupe_key=f"approved:{item.pk}:{item.approval_round}",
            )
        else:
            item.review_requested_at = timezone.now()
            item.reminded_at = item.escalated_at = None
            item.save()
            _notify_level(item, state.current)
        return
    set_status(item, ContentStatus.DRAFT)
    item.save()
    if verdict == ApprovalDecision.Verdict.REJECT:
        message = _("%(who)s rejected “%(title)s”: %(reason)s")
    else:
        message = _("%(who)s asked for changes to “%(title)s”: %(reason)s")
    notify(
        workspace=item.workspace,
        recipients=[item.owner, item.created_by],
        kind="content_sent_back",
        message=message % {"who": reviewer, "title": item.title, "reason": reason[:150]},
        url=item_url(item),
        dedupe_key=f"sent_back:{item.pk}:{item.approval_round}",
    )


def _clean_verdict(verdict: str, reason: str) -> tuple[str, str]:
    if verdict not in ApprovalDecision.Verdict.values:
        raise ValidationError({"verdict": _("Choose approve, reject or request changes.")})
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError({"reason": _("Remove the NUL characters.")})
    if verdict != ApprovalDecision.Verdict.APPROVE and not reason:
        raise ValidationError({"reason": _("Say why, so the creator knows what to change.")})
    return verdict, reason[:2000]


def approval_decide(*, actor: User, item: ContentItem, verdict: str, reason: str = "") -> ApprovalDecision:
    """Approve, reject or request changes at the level the item is waiting for."""
    verdict, reason = _clean_verdict(verdict, reason)
    membership = membership_of(actor, item.workspace)
    require(actor, membership, Action.CONTENT_VIEW, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("workspace", "owner", "created_by").get(pk=item.pk)
        if locked.status != ContentStatus.IN_REVIEW:
            raise ValidationError(
                _("This content is not waiting for approval (it is %(status)s).")
                % {"status": locked.get_status_display().lower()}
            )
        state = approval_state(locked)
        current = state.current
        if current is None:
            raise ValidationError(_("Every level has already approved this content."))
        if actor.pk in current.approved_ids:
            raise ValidationError(_("You have already approved this level."))
        require(
            actor, membership, Action.CONTENT_APPROVE, PendingApproval(locked, frozenset(current.eligible - current.approved_ids))
        )
        decision = ApprovalDecision.objects.create(
            item=locked,
            workspace=locked.workspace,
            round=locked.approval_round,
            level_position=current.spec.position,
            level_name=current.spec.name,
            user=actor,
            reviewer_label=actor.display_name,
            verdict=verdict,
            reason=reason,
        )
        _finish_round(actor, locked, verdict, reason, actor.display_name)
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action={"approve": "content.approve", "reject": "content.reject", "changes": "content.changes"}[verdict],
            obj=locked,
            after={"level": current.spec.name, "round": locked.approval_round, "reason": reason, "status": locked.status},
        )
    return decision


# Client review links -----------------------------------------------------------------------------


def review_link_token(link: ClientReviewLink) -> str:
    return signing.dumps({"link": link.pk}, salt=REVIEW_LINK_SALT)


def review_link_create(
    *, actor: User, item: ContentItem, reviewer_name: str, reviewer_email: str, days: int = 7
) -> tuple[ClientReviewLink, str]:
    """A signed link for one outside reviewer to see this item, comment, and decide when a client level
    waits. Returns the link and its token (the URL is ``/review/<token>/``)."""
    from django.core.validators import validate_email

    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    name = (reviewer_name or "").strip()[:120]
    email = (reviewer_email or "").strip().lower()
    if not name or "\x00" in name:
        raise ValidationError({"reviewer_name": _("Give the reviewer's name.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"reviewer_email": _("Enter a valid email address.")}) from None
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Give the number of days the link stays valid.")}) from None
    if not 1 <= days <= MAX_LINK_DAYS:
        raise ValidationError({"days": _("A review link is valid for 1 to %(max)s days.") % {"max": MAX_LINK_DAYS}})
    with transaction.atomic():
        link = ClientReviewLink.objects.create(
            item=item,
            workspace=item.workspace,
            reviewer_name=name,
            reviewer_email=email,
            expires_at=timezone.now() + dt.timedelta(days=days),
            created_by=actor,
        )
        audit_record(
            actor=actor, workspace=item.workspace, action="content.review_link", obj=item, after={"reviewer": email, "days": days}
        )
        from alur.content.tasks import review_link_email_send

        transaction.on_commit(lambda: review_link_email_send.enqueue(link.pk))
    return link, review_link_token(link)


def review_link_revoke(*, actor: User, link: ClientReviewLink) -> ClientReviewLink:
    require(actor, membership_of(actor, link.item.workspace), Action.CONTENT_EDIT, link.item)
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            workspace=link.workspace,
            action="content.review_link",
            obj=link.item,
            after={"revoked": link.reviewer_email},
        )
    return link


def review_link_resolve(token: str) -> ClientReviewLink:
    """The link a token names, refusing a forged, revoked or expired one (PermissionDenied with the reason)."""
    try:
        data = signing.loads(token, salt=REVIEW_LINK_SALT)
    except signing.BadSignature:
        raise PermissionDenied(_("This review link is not valid.")) from None
    link = ClientReviewLink.objects.select_related("item", "item__workspace").filter(pk=data.get("link")).first()
    if link is None or link.revoked_at is not None:
        raise PermissionDenied(_("This review link has been withdrawn. Ask the team for a new one."))
    if link.expires_at <= timezone.now():
        raise PermissionDenied(_("This review link has expired. Ask the team for a new one."))
    return link


def link_may_decide(link: ClientReviewLink) -> bool:
    item = link.item
    if item.status != ContentStatus.IN_REVIEW:
        return False
    current = approval_state(item).current
    return current is not None and current.spec.is_client


def approval_decide_by_link(*, token: str, verdict: str, reason: str = "") -> ApprovalDecision:
    """A client's decision through a review link; only when the item waits at a client level."""
    verdict, reason = _clean_verdict(verdict, reason)
    link = review_link_resolve(token)
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().select_related("workspace", "owner", "created_by").get(pk=link.item_id)
        if item.status != ContentStatus.IN_REVIEW:
            raise ValidationError(
                _("This content is not waiting for approval (it is %(status)s).") % {"status": item.get_status_display().lower()}
            )
        current = approval_state(item).current
        if current is None or not current.spec.is_client:
            raise PermissionDenied(_("This content is not waiting for the client's approval right now."))
        label = f"{link.reviewer_name} <{link.reviewer_email}>"
        decision = ApprovalDecision.objects.create(
            item=item,
            workspace=item.workspace,
            round=item.approval_round,
            level_position=current.spec.position,
            level_name=current.spec.name,
            client_link=link,
            reviewer_label=label,
            verdict=verdict,
            reason=reason,
        )
        _finish_round(None, item, verdict, reason, link.reviewer_name)
        audit_record(
            actor=None,
            workspace=item.workspace,
            action={"approve": "content.approve", "reject": "content.reject", "changes": "content.changes"}[verdict],
            obj=item,
            after={
                "level": current.spec.name,
                "round": item.approval_round,
                "reviewer": label,
                "reason": reason,
                "status": item.status,
            },
        )
    return decision


# Settings ----------------------------------------------------------------------------------------


def approval_route_set(
    *, actor: User, workspace: Workspace, mode: str, levels: list[dict[str, Any]] | None = None, account: Any = None
) -> ApprovalRoute:
    """Set the workspace's workflow (``account`` None) or one channel account's override. ``levels``: ordered
    dicts ``{name, roles: [...], people: [user ids], require_all, is_client}``; multi-level needs at least one."""
    require(actor, membership_of(actor, workspace), Action.APPROVAL_SETTINGS)
    if mode not in ApprovalMode.values:
        raise ValidationError({"mode": _("Choose one of the four workflows: none, optional, required, multi-level.")})
    if account is not None and account.workspace_id != workspace.pk:
        raise ValidationError({"account": _("Choose a channel account of this workspace.")})
    levels = list(levels or [])
    if mode == ApprovalMode.MULTI_LEVEL and not levels:
        raise ValidationError({"levels": _("A multi-level workflow needs at least one level.")})
    if len(levels) > 10:
        raise ValidationError({"levels": _("Use at most 10 levels.")})
    cleaned = []
    member_ids = set(Membership.objects.filter(workspace=workspace).values_list("user_id", flat=True))
    for index, raw in enumerate(levels, start=1):
        name = str(raw.get("name") or "").strip()[:80]
        if not name or "\x00" in name:
            raise ValidationError({"levels": _("Level %(n)s needs a name (e.g. Copy editor).") % {"n": index}})
        roles = [str(r) for r in raw.get("roles") or []]
        bad_roles = [r for r in roles if r not in Role.values or r == Role.CONTRACTOR]
        if bad_roles:
            raise ValidationError(
                {"levels": _("Level %(n)s: unknown or outside roles: %(roles)s.") % {"n": index, "roles": ", ".join(bad_roles)}}
            )
        try:
            people = [int(p) for p in raw.get("people") or []]
        except (TypeError, ValueError):
            raise ValidationError({"levels": _("Level %(n)s: people are chosen among the members.") % {"n": index}}) from None
        if not set(people) <= member_ids:
            raise ValidationError({"levels": _("Level %(n)s: choose people who are members of this workspace.") % {"n": index}})
        is_client = bool(raw.get("is_client"))
        if not is_client and not roles and not people:
            raise ValidationError(
                {"levels": _("Level %(n)s: name at least one role or person, or make it the client's level.") % {"n": index}}
            )
        cleaned.append((name, roles, people, bool(raw.get("require_all")), is_client))
    with transaction.atomic():
        route = ApprovalRoute.objects.filter(workspace=workspace, account=account).first()
        before = None
        if route is None:
            route = ApprovalRoute.objects.create(workspace=workspace, account=account, mode=mode)
        else:
            before = {"mode": route.mode, "levels": list(route.levels.values_list("name", flat=True))}
            route.mode = mode
            route.save(update_fields=["mode"])
            route.levels.all().delete()
        for position, (name, roles, people, require_all, is_client) in enumerate(cleaned, start=1):
            level = ApprovalLevel.objects.create(
                route=route, position=position, name=name, roles=roles, require_all=require_all, is_client=is_client
            )
            level.people.set(people)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="content.approval_route",
            obj=route,
            before=before,
            after={"mode": mode, "account": account.pk if account is not None else None, "levels": [c[0] for c in cleaned]},
        )
    return route


def approval_route_clear(*, actor: User, workspace: Workspace, account: Any) -> None:
    """Remove one account's override (it follows the workspace again)."""
    require(actor, membership_of(actor, workspace), Action.APPROVAL_SETTINGS)
    with transaction.atomic():
        route = ApprovalRoute.objects.filter(workspace=workspace, account=account).first()
        if route is not None:
            audit_record(
                actor=actor,
                workspace=workspace,
                action="content.approval_route",
                obj=route,
                before={"mode": route.mode},
                after=None,
            )
            route.delete()


def reminder_settings_set(
    *, actor: User, workspace: Workspace, remind_after_hours: Any, escalate_after_hours: Any
) -> ContentSettings:
    require(actor, membership_of(actor, workspace), Action.APPROVAL_SETTINGS)
    values = {}
    for name, value in (("remind_after_hours", remind_after_hours), ("escalate_after_hours", escalate_after_hours)):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({name: _("Give a whole number of hours.")}) from None
        if not 1 <= number <= 24 * 30:
            raise ValidationError({name: _("Choose between 1 and 720 hours.")})
        values[name] = number
    if values["escalate_after_hours"] < values["remind_after_hours"]:
        raise ValidationError({"escalate_after_hours": _("Escalate no sooner than the reminder.")})
    with transaction.atomic():
        settings_row, _created = ContentSettings.objects.get_or_create(workspace=workspace)
        before = snapshot(settings_row, ("remind_after_hours", "escalate_after_hours"))
        for name, number in values.items():
            setattr(settings_row, name, number)
        settings_row.save()
        audit_record(
            actor=actor, workspace=workspace, action="content.approval_route", obj=settings_row, before=before, after=values
        )
    return settings_row


# The sweep ---------------------------------------------------------------------------------------


def remind_and_escalate(now: dt.datetime | None = None) -> tuple[int, int]:
    """Remind the current level's approvers of items waiting longer than the workspace's reminder time,
    and tell the managers of items waiting longer than the escalation time. Each happens once per wait
    (the wait restarts when a level passes). Returns (reminded, escalated)."""
    now = now or timezone.now()
    reminded = escalated = 0
    waiting = ContentItem.objects.filter(status=ContentStatus.IN_REVIEW, review_requested_at__isnull=False).select_related(
        "workspace"
    )
    settings_by_ws: dict[int, ContentSettings] = {}
    for item in waiting.filter(escalated_at__isnull=True)[:1000]:
        settings_row = settings_by_ws.get(item.workspace_id)
        if settings_row is None:
            settings_row, _created = ContentSettings.objects.get_or_create(workspace_id=item.workspace_id)
            settings_by_ws[item.workspace_id] = settings_row
        waited = now - item.review_requested_at  # type: ignore[operator]
        with transaction.atomic():
            if item.reminded_at is None and waited >= dt.timedelta(hours=settings_row.remind_after_hours):
                current = approval_state(item).current
                if current is not None:
                    _notify_level(item, current, reminder=True)
                ContentItem.objects.filter(pk=item.pk).update(reminded_at=now)
                reminded += 1
            if waited >= dt.timedelta(hours=settings_row.escalate_after_hours):
                managers = User.objects.filter(
                    memberships__workspace_id=item.workspace_id, memberships__role=Role.MANAGER, is_active=True
                ).exclude(pk=item.created_by_id)
                notify(
                    workspace=item.workspace,
                    recipients=list(managers),
                    kind="approval_escalated",
                    message=_("“%(title)s” has waited %(hours)s hours for approval.")
                    % {"title": item.title, "hours": int(waited.total_seconds() // 3600)},
                    url=item_url(item),
                    dedupe_key=f"escalate:{item.pk}:{item.approval_round}",
                )
                ContentItem.objects.filter(pk=item.pk).update(escalated_at=now)
                escalated += 1
    return reminded, escalated
