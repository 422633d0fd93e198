"""Every write of strategy: periods, business goals, objectives, key results, check-ins and reviews.

Each service asks the policy, runs in one transaction and appends an audit record. Input errors are
``ValidationError`` keyed by field, in sentences a marketer can act on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.core.audit import audit_record, snapshot
from alur.core.forms import read_number
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters
from alur.strategy import scoring
from alur.strategy.models import BusinessGoal, CheckIn, KeyResult, Objective, Period
from alur.strategy.scoring import Direction

OBJECTIVE_FIELDS = ("title", "description", "period", "business_goal", "owner", "is_shared_with_clients")
KEY_RESULT_FIELDS = ("title", "metric", "unit", "direction", "start_value", "target_value", "deadline", "owner", "weight")


def _member_user(workspace: Workspace, user: User | None, *, field: str = "owner") -> User:
    if user is None or not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({field: _("Choose a member of this workspace.")})
    return user


def _decimal(value: Any, field: str, workspace: Workspace | None = None) -> Decimal:
    """A number given on a page, by the API or the command line, read as the workspace writes numbers
    ("48.000" is 48000 in an Indonesian workspace); without a workspace, in the active language."""
    number = read_number(value, field=field, language=workspace.language if workspace is not None else None)
    if abs(number) >= Decimal("1e14"):
        raise ValidationError({field: _("This number is too large.")})
    return number


# Periods and business goals ----------------------------------------------------------------------


def period_create(*, actor: User, workspace: Workspace, name: str, start: dt.date, end: dt.date) -> Period:
    require(actor, membership_of(actor, workspace), Action.OBJECTIVE_MANAGE)
    refuse_nul_characters(name=name)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the period, e.g. Q1 2027.")})
    if end <= start:
        raise ValidationError({"end": _("The period must end after it starts.")})
    with transaction.atomic():
        if Period.objects.filter(workspace=workspace, name=name).exists():
            raise ValidationError({"name": _("There is already a period called %(name)s.") % {"name": name}})
        period = Period.objects.create(workspace=workspace, name=name, start=start, end=end)
        audit_record(
            actor=actor, workspace=workspace, action="period.create", obj=period, after=snapshot(period, ("name", "start", "end"))
        )
    return period


def business_goal_create(*, actor: User, workspace: Workspace, title: str, description: str = "") -> BusinessGoal:
    require(actor, membership_of(actor, workspace), Action.OBJECTIVE_MANAGE)
    refuse_nul_characters(title=title, description=description)
    if not title.strip():
        raise ValidationError({"title": _("Write the business goal, e.g. Grow online revenue by a third this year.")})
    with transaction.atomic():
        goal = BusinessGoal.objects.create(workspace=workspace, title=title.strip()[:200], description=description.strip())
        audit_record(actor=actor, workspace=workspace, action="business_goal.create", obj=goal, after={"title": goal.title})
    return goal


# Objectives --------------------------------------------------------------------------------------


def _check_objective(objective: Objective) -> None:
    refuse_nul_characters(title=objective.title, description=objective.description)
    if len(objective.title.strip()) < 5:
        raise ValidationError(
            {"title": _("Describe the objective in a few words, e.g. Raise brand awareness among millennials.")}
        )
    if objective.period.workspace_id != objective.workspace_id:
        raise ValidationError({"period": _("Choose a period of this workspace.")})
    if objective.business_goal is not None and objective.business_goal.workspace_id != objective.workspace_id:
        raise ValidationError({"business_goal": _("Choose a business goal of this workspace.")})
    _member_user(objective.workspace, objective.owner)


def objective_create(
    *,
    actor: User,
    workspace: Workspace,
    title: str,
    period: Period,
    owner: User,
    description: str = "",
    business_goal: BusinessGoal | None = None,
    is_shared_with_clients: bool = False,
) -> Objective:
    require(actor, membership_of(actor, workspace), Action.OBJECTIVE_MANAGE)
    objective = Objective(
        workspace=workspace,
        title=title.strip()[:250],
        description=description.strip(),
        period=period,
        owner=owner,
        business_goal=business_goal,
        is_shared_with_clients=is_shared_with_clients,
        created_by=actor,
    )
    _check_objective(objective)
    with transaction.atomic():
        objective.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="objective.create",
            obj=objective,
            after=snapshot(objective, OBJECTIVE_FIELDS),
        )
    return objective


def objective_update(*, actor: User, objective: Objective, **changes: Any) -> Objective:
    require(actor, membership_of(actor, objective.workspace), Action.OBJECTIVE_MANAGE, objective)
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        before = snapshot(locked, OBJECTIVE_FIELDS)
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        _check_objective(locked)
        locked.save()
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="objective.update",
            obj=locked,
            before=before,
            after=snapshot(locked, OBJECTIVE_FIELDS),
        )
    return locked


# Key results -------------------------------------------------------------------------------------

SMART_MESSAGES = {
    "title_too_short": gettext_noop(
        "Not specific: say what will change, e.g. “Grow Instagram followers from 10,000 to 15,000 in 6 months”."
    ),
    "no_metric": gettext_noop("Not specific: name the metric that is counted, e.g. Instagram followers."),
    "no_unit": gettext_noop("Not measurable: give the unit, e.g. followers, percent, IDR or leads."),
    "no_start": gettext_noop("Not measurable: give the start value (where the metric is today)."),
    "no_target": gettext_noop("Not measurable: give the target value."),
    "increase_not_above_start": gettext_noop("Not measurable: to increase, the target must be above the start value."),
    "decrease_not_below_start": gettext_noop("Not measurable: to decrease, the target must be below the start value."),
    "no_deadline": gettext_noop("Not time-bound: give a deadline."),
    "deadline_outside_period": gettext_noop("Not time-bound: the deadline must fall inside the period (%(start)s – %(end)s)."),
}


def smart_error(problems: list[scoring.SmartProblem], period: Period) -> ValidationError:
    """One message per field, each naming the SMART part that is missing."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        message = _(SMART_MESSAGES[problem.code])
        if problem.code == "deadline_outside_period":
            message = message % {"start": period.start.isoformat(), "end": period.end.isoformat()}
        errors.setdefault(problem.field, []).append(message)
    return ValidationError(errors)


def target_from_change(direction: Direction, start: Decimal, percent: Decimal) -> Decimal:
    """The target of "increase/decrease … by N %" (seed 004's form): relative to the start value."""
    factor = percent / 100
    if direction == Direction.DECREASE_TO:
        return start * (1 - factor)
    return start * (1 + factor)


def _check_key_result(key_result: KeyResult) -> None:
    refuse_nul_characters(title=key_result.title, metric=key_result.metric, unit=key_result.unit)
    try:
        direction = Direction(key_result.direction)
    except ValueError:
        raise ValidationError({"direction": _("Choose how the metric should move.")}) from None
    period = key_result.objective.period
    problems = scoring.smart_problems(
        title=key_result.title,
        metric=key_result.metric,
        unit=key_result.unit,
        direction=direction,
        start=key_result.start_value,
        target=key_result.target_value,
        deadline=key_result.deadline,
        period_start=period.start,
        period_end=period.end,
    )
    if problems:
        raise smart_error(problems, period)
    if not Decimal(0) <= Decimal(key_result.weight) <= Decimal(100):
        raise ValidationError({"weight": _("The weight is a number from 0 to 100.")})
    _member_user(key_result.workspace, key_result.owner)


def key_result_create(
    *,
    actor: User,
    objective: Objective,
    title: str,
    metric: str,
    direction: str,
    deadline: dt.date | None,
    owner: User,
    unit: str = "",
    start_value: Any = 0,
    target_value: Any = None,
    target_change_percent: Any = None,
    weight: Any = 1,
) -> KeyResult:
    """A key result. Give either ``target_value`` or ``target_change_percent`` (relative to the start,
    as in "sebesar 50%"). A milestone needs neither: its target is 1 (done)."""
    require(actor, membership_of(actor, objective.workspace), Action.OBJECTIVE_MANAGE, objective)
    try:
        chosen = Direction(direction)
    except ValueError:
        raise ValidationError({"direction": _("Choose how the metric should move.")}) from None
    start = _decimal(start_value if start_value not in (None, "") else 0, "start_value", objective.workspace)
    if chosen == Direction.MILESTONE:
        start, target = Decimal(0), Decimal(1)
    elif target_change_percent not in (None, ""):
        percent = _decimal(target_change_percent, "target_change_percent", objective.workspace)
        if percent <= 0:
            raise ValidationError({"target_change_percent": _("Give the change as a positive percentage, e.g. 50.")})
        target = target_from_change(chosen, start, percent)
    elif target_value not in (None, ""):
        target = _decimal(target_value, "target_value", objective.workspace)
    else:
        raise smart_error([scoring.SmartProblem("measurable", "target_value", "no_target")], objective.period)
    key_result = KeyResult(
        workspace=objective.workspace,
        objective=objective,
        title=title.strip()[:250],
        metric=metric.strip()[:120],
        unit=unit.strip()[:30],
        direction=chosen.value,
        start_value=start,
        target_value=target,
        deadline=deadline,  # type: ignore[misc]
        owner=owner,
        weight=_decimal(weight if weight not in (None, "") else 1, "weight", objective.workspace),
        created_by=actor,
    )
    _check_key_result(key_result)
    with transaction.atomic():
        key_result.save()
        audit_record(
            actor=actor,
            workspace=objective.workspace,
            action="key_result.create",
            obj=key_result,
            after=snapshot(key_result, KEY_RESULT_FIELDS),
        )
    return key_result


def key_result_update(*, actor: User, key_result: KeyResult, target_change_percent: Any = None, **changes: Any) -> KeyResult:
    """Change a key result's wording, numbers, deadline, owner or weight; it is checked again as SMART.
    ``target_change_percent`` sets the target relative to the (possibly new) start value; a milestone keeps 0 → 1."""
    require(actor, membership_of(actor, key_result.workspace), Action.OBJECTIVE_MANAGE, key_result.objective)
    unknown = set(changes) - set(KEY_RESULT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field in ("start_value", "target_value", "weight"):
        if field in changes:
            default = {"start_value": 0, "weight": 1}.get(field)
            if changes[field] in (None, ""):
                if default is None:
                    raise smart_error(
                        [scoring.SmartProblem("measurable", "target_value", "no_target")], key_result.objective.period
                    )
                changes[field] = default
            changes[field] = _decimal(changes[field], field)
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().select_related("objective__period").get(pk=key_result.pk)
        before = snapshot(locked, KEY_RESULT_FIELDS)
        for field, value in changes.items():
            if field in ("title", "metric", "unit") and isinstance(value, str):
                value = value.strip()[: {"title": 250, "metric": 120, "unit": 30}[field]]
            setattr(locked, field, value)
        if target_change_percent not in (None, "") and locked.direction != Direction.MILESTONE:
            percent = _decimal(target_change_percent, "target_change_percent")
            if percent <= 0:
                raise ValidationError({"target_change_percent": _("Give the change as a positive percentage, e.g. 50.")})
            try:
                direction = Direction(locked.direction)
            except ValueError:
                raise ValidationError({"direction": _("Choose how the metric should move.")}) from None
            locked.target_value = target_from_change(direction, Decimal(locked.start_value), percent)
        if locked.direction == Direction.MILESTONE:
            locked.start_value, locked.target_value = Decimal(0), Decimal(1)
        _check_key_result(locked)
        locked.save()
        locked.refresh_from_db()
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="key_result.update",
            obj=locked,
            before=before,
            after=snapshot(locked, KEY_RESULT_FIELDS),
        )
    return locked


def key_result_delete(*, actor: User, key_result: KeyResult) -> None:
    """Delete a key result with its check-ins and its link to imported data (the page asks to confirm first).

    Refused while a campaign counts it among its KPIs: the campaign's KPI review would lose what it is judged
    against, so the key result must first be taken off those campaigns (or kept and dropped at the review)."""
    require(actor, membership_of(actor, key_result.workspace), Action.OBJECTIVE_MANAGE, key_result.objective)
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().get(pk=key_result.pk)
        campaigns = sorted(locked.campaigns.values_list("name", flat=True))
        if campaigns:
            raise ValidationError(
                {
                    "key_result": _(
                        "Campaigns count on this key result as a KPI: %(campaigns)s. Remove it from their KPIs first."
                    )
                    % {"campaigns": "; ".join(campaigns)}
                }
            )
        before = snapshot(locked, KEY_RESULT_FIELDS)
        before["objective"] = locked.objective_id
        before["check_ins"] = CheckIn.objects.filter(key_result=locked).count()
        audit_record(actor=actor, workspace=locked.workspace, action="key_result.delete", obj=locked, before=before)
        CheckIn.objects.filter(key_result=locked).delete()
        locked.delete()


def key_result_check_in(
    *, actor: User, key_result: KeyResult, value: Any, confidence: Any, comment: str = "", recorded_at: dt.datetime | None = None
) -> CheckIn:
    """Record a reading. The owner may always check in; so may managers, strategists and analysts.
    ``recorded_at`` back-dates a reading taken earlier (never in the future); the latest reading by
    that time becomes the key result's current value."""
    require(actor, membership_of(actor, key_result.workspace), Action.KEY_RESULT_CHECK_IN, key_result)
    refuse_nul_characters(comment=comment)
    now = timezone.now()
    recorded_at = recorded_at or now
    if recorded_at > now:
        raise ValidationError({"recorded_at": _("A check-in cannot be dated in the future.")})
    number = _decimal(value, "value", key_result.workspace)
    try:
        confidence_level = int(str(confidence).strip())
    except ValueError:
        raise ValidationError({"confidence": _("Confidence is a whole number from 0 to 10.")}) from None
    if not 0 <= confidence_level <= 10:
        raise ValidationError({"confidence": _("Confidence is a whole number from 0 to 10.")})
    if key_result.direction == Direction.MILESTONE and number not in (Decimal(0), Decimal(1)):
        raise ValidationError({"value": _("A milestone is 1 when done and 0 when not yet.")})
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().get(pk=key_result.pk)
        before = {"current_value": str(locked.current_value) if locked.current_value is not None else None}
        check_in = CheckIn.objects.create(
            workspace=locked.workspace,
            key_result=locked,
            value=number,
            confidence=confidence_level,
            comment=comment.strip(),
            author=actor,
            created_at=recorded_at,
        )
        latest = CheckIn.objects.filter(key_result=locked).order_by("-created_at", "-id").first()
        locked.current_value = latest.value if latest is not None else number
        locked.save(update_fields=["current_value"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="key_result.check_in",
            obj=locked,
            before=before,
            after={"current_value": str(number), "confidence": confidence_level, "comment": check_in.comment},
        )
    key_result.current_value = locked.current_value
    return check_in


def key_result_record_automatic(*, key_result: KeyResult, value: Decimal, comment: str) -> CheckIn:
    """An automatic reading from imported data (the system acts, not a person): it joins the check-in
    history marked as automatic, keeps the owner's latest confidence, and becomes the current value."""
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().get(pk=key_result.pk)
        latest = CheckIn.objects.filter(key_result=locked).order_by("-created_at", "-id").first()
        before = {"current_value": str(locked.current_value) if locked.current_value is not None else None}
        check_in = CheckIn.objects.create(
            workspace=locked.workspace,
            key_result=locked,
            value=value,
            confidence=latest.confidence if latest is not None else 5,
            comment=comment,
            author=locked.owner,
            is_automatic=True,
        )
        locked.current_value = value
        locked.save(update_fields=["current_value"])
        audit_record(
            actor=None,
            workspace=locked.workspace,
            action="key_result.check_in",
            obj=locked,
            before=before,
            after={"current_value": str(value), "automatic": True},
        )
    key_result.current_value = value
    return check_in


def objective_review(
    *, actor: User, objective: Objective, reflection: str, decisions: dict[int, str], today: dt.date | None = None
) -> Objective:
    """The quarterly review: the final grade as scored today, a written reflection, and per key result
    whether it carries over to the next period or is dropped."""
    from alur.strategy.selectors import objective_scorecard

    require(actor, membership_of(actor, objective.workspace), Action.OBJECTIVE_MANAGE, objective)
    refuse_nul_characters(reflection=reflection)
    if len(reflection.strip()) < 10:
        raise ValidationError({"reflection": _("Write a few sentences: what worked, what did not, what you learned.")})
    key_results = {kr.pk: kr for kr in objective.key_results.all()}
    missing = [kr.title for pk, kr in key_results.items() if decisions.get(pk) not in KeyResult.ReviewDecision.values]
    if missing:
        raise ValidationError(
            {
                "decisions": _("Decide for every key result whether to carry it over or drop it: %(titles)s.")
                % {"titles": "; ".join(missing)}
            }
        )
    card = objective_scorecard(objective, today=today or timezone.localdate())
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        locked.review_grade = card.grade.quantize(Decimal("0.01"))
        locked.review_reflection = reflection.strip()
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save(update_fields=["review_grade", "review_reflection", "reviewed_at", "reviewed_by"])
        for pk, key_result in key_results.items():
            key_result.review_decision = decisions[pk]
            key_result.save(update_fields=["review_decision"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="objective.review",
            obj=locked,
            after={
                "grade": str(locked.review_grade),
                "reflection": locked.review_reflection,
                "decisions": {str(k): v for k, v in decisions.items()},
            },
        )
    return locked
