"""API endpoints of strategy: periods, objectives with their scored key results, and check-ins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import Membership, User
from alur.accounts.selectors import workspace_members
from alur.core.forms import NUMBER_TEXT, NumberInput
from alur.core.policy import Action, require
from alur.core.validation import Id
from alur.strategy import selectors, services
from alur.strategy.models import BusinessGoal, KeyResult, Objective

router = Router(tags=["objectives"])

DirectionName = Literal["increase_to", "decrease_to", "stay_at_or_above", "stay_at_or_below", "milestone"]


class PeriodIn(Schema):
    name: str = Field(max_length=60)
    start: dt.date
    end: dt.date


class PeriodOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date


class KeyResultIn(Schema):
    title: str = Field(max_length=250)
    metric: str = Field("", max_length=120)
    unit: str = Field("", max_length=30)
    direction: DirectionName
    start_value: NumberInput = Field(Decimal(0), description=NUMBER_TEXT)
    target_value: NumberInput | None = Field(
        None, description="The target; or give target_change_percent instead. " + NUMBER_TEXT
    )
    target_change_percent: NumberInput | None = Field(
        None, description="Target relative to the start, e.g. 50 for 'sebesar 50%'. " + NUMBER_TEXT
    )
    deadline: dt.date | None = None
    owner: str = Field(description="Email of the member who owns the key result.")
    weight: NumberInput = Field(Decimal(1), description=NUMBER_TEXT)


class KeyResultOut(Schema):
    id: int
    title: str
    metric: str
    unit: str
    direction: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal | None
    deadline: dt.date
    owner: str
    weight: Decimal
    grade: Decimal = Field(description="0.0–1.0")
    progress_percent: Decimal = Field(description="Raw progress towards the target, may be below 0 or above 100.")
    colour: str
    status: str
    review_decision: str


class ObjectiveIn(Schema):
    title: str = Field(max_length=250)
    description: str = ""
    period_id: Id
    owner: str = Field(description="Email of the member who owns the objective.")
    business_goal_id: Id | None = None
    is_shared_with_clients: bool = False


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    period: PeriodOut
    owner: str
    business_goal: str | None
    is_shared_with_clients: bool
    review_grade: Decimal | None
    review_reflection: str
    grade: Decimal
    colour: str
    status: str
    key_results: list[KeyResultOut]


class CheckInIn(Schema):
    value: NumberInput = Field(description=NUMBER_TEXT)
    confidence: int = Field(ge=0, le=10)
    comment: str = ""


class CheckInOut(Schema):
    id: int
    value: Decimal
    confidence: int
    comment: str
    author: str
    created_at: dt.datetime


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _member_by_email(membership: Membership, email: str) -> User | None:
    found = workspace_members(membership.workspace).filter(user__email=email.strip().lower()).first()
    return found.user if found is not None else None


def _objective_out(objective: Objective) -> ObjectiveOut:
    card = selectors.objective_scorecard(objective, today=timezone.localdate())
    return ObjectiveOut(
        id=objective.pk,
        title=objective.title,
        description=objective.description,
        period=PeriodOut(
            id=objective.period.pk, name=objective.period.name, start=objective.period.start, end=objective.period.end
        ),
        owner=objective.owner.email,
        business_goal=objective.business_goal.title if objective.business_goal else None,
        is_shared_with_clients=objective.is_shared_with_clients,
        review_grade=objective.review_grade,
        review_reflection=objective.review_reflection,
        grade=card.grade.quantize(Decimal("0.01")),
        colour=card.colour.value,
        status=card.status.value,
        key_results=[
            KeyResultOut(
                id=kr.key_result.pk,
                title=kr.key_result.title,
                metric=kr.key_result.metric,
                unit=kr.key_result.unit,
                direction=kr.key_result.direction,
                start_value=kr.key_result.start_value,
                target_value=kr.key_result.target_value,
                current_value=kr.key_result.current_value,
                deadline=kr.key_result.deadline,
                owner=kr.key_result.owner.email,
                weight=kr.key_result.weight,
                grade=kr.score.grade.quantize(Decimal("0.01")),
                progress_percent=kr.score.percent,
                colour=kr.score.colour.value,
                status=kr.score.status.value,
                review_decision=kr.key_result.review_decision,
            )
            for kr in card.key_results
        ],
    )


@router.get("/workspaces/{slug}/periods", response={200: list[PeriodOut], 404: ErrorOut})
def period_list(request: HttpRequest, slug: str) -> list[PeriodOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.OBJECTIVE_VIEW)
    return [PeriodOut(id=p.pk, name=p.name, start=p.start, end=p.end) for p in selectors.periods(membership)]


@router.post("/workspaces/{slug}/periods", response={201: PeriodOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def period_create(request: HttpRequest, slug: str, payload: PeriodIn) -> Status[PeriodOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    period = services.period_create(
        actor=_user(request), workspace=membership.workspace, name=payload.name, start=payload.start, end=payload.end
    )
    return Status(201, PeriodOut(id=period.pk, name=period.name, start=period.start, end=period.end))


@router.get("/workspaces/{slug}/objectives", response={200: list[ObjectiveOut], 403: ErrorOut, 404: ErrorOut})
def objective_list(request: HttpRequest, slug: str, period_id: Id | None = None) -> list[ObjectiveOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.OBJECTIVE_VIEW)
    period = selectors.periods(membership).filter(pk=period_id).first() if period_id else None
    return [_objective_out(o) for o in selectors.objectives_visible(membership, period=period)]


@router.post("/workspaces/{slug}/objectives", response={201: ObjectiveOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def objective_create(request: HttpRequest, slug: str, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    require(_user(request), membership, Action.OBJECTIVE_MANAGE)
    period = selectors.periods(membership).filter(pk=payload.period_id).first()
    if period is None:
        raise ValidationError({"period_id": _("There is no period with this id in the workspace.")})
    owner = _member_by_email(membership, payload.owner)
    if owner is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    goal = None
    if payload.business_goal_id is not None:
        goal = BusinessGoal.objects.filter(workspace=membership.workspace, pk=payload.business_goal_id).first()
        if goal is None:
            raise ValidationError({"business_goal_id": _("There is no business goal with this id in the workspace.")})
    objective = services.objective_create(
        actor=_user(request),
        workspace=membership.workspace,
        title=payload.title,
        description=payload.description,
        period=period,
        owner=owner,
        business_goal=goal,
        is_shared_with_clients=payload.is_shared_with_clients,
    )
    return Status(201, _objective_out(selectors.objective_visible(membership, objective.pk)))


@router.get("/workspaces/{slug}/objectives/{objective_id}", response={200: ObjectiveOut, 403: ErrorOut, 404: ErrorOut})
def objective_detail(request: HttpRequest, slug: str, objective_id: Id) -> ObjectiveOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.OBJECTIVE_VIEW)
    return _objective_out(selectors.objective_visible(membership, objective_id))


@router.post(
    "/workspaces/{slug}/objectives/{objective_id}/key-results",
    response={201: ObjectiveOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def key_result_create(request: HttpRequest, slug: str, objective_id: Id, payload: KeyResultIn) -> Status[ObjectiveOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    objective = selectors.objective_visible(membership, objective_id)
    owner = _member_by_email(membership, payload.owner)
    if owner is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    services.key_result_create(
        actor=_user(request),
        objective=objective,
        title=payload.title,
        metric=payload.metric,
        unit=payload.unit,
        direction=payload.direction,
        start_value=payload.start_value,
        target_value=payload.target_value,
        target_change_percent=payload.target_change_percent,
        deadline=payload.deadline,
        owner=owner,
        weight=payload.weight,
    )
    return Status(201, _objective_out(selectors.objective_visible(membership, objective_id)))


class KeyResultPatch(Schema):
    """Only the fields given change; the key result is checked again as SMART."""

    title: str | None = Field(None, max_length=250)
    metric: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=30)
    direction: DirectionName | None = None
    start_value: Decimal | None = None
    target_value: Decimal | None = None
    target_change_percent: Decimal | None = Field(None, description="Target relative to the start, instead of target_value.")
    deadline: dt.date | None = None
    owner: str | None = Field(None, description="Email of a member.")
    weight: Decimal | None = None


@router.patch(
    "/workspaces/{slug}/key-results/{key_result_id}", response={200: ObjectiveOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def key_result_update(request: HttpRequest, slug: str, key_result_id: Id, payload: KeyResultPatch) -> ObjectiveOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    key_result = selectors.key_result_visible(membership, key_result_id)
    services.key_result_update(actor=_user(request), key_result=key_result, **_changes(membership, payload))
    return _objective_out(selectors.objective_visible(membership, key_result.objective_id))


@router.delete(
    "/workspaces/{slug}/key-results/{key_result_id}", response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def key_result_delete(request: HttpRequest, slug: str, key_result_id: Id) -> Status[None]:
    """Deletes the key result with its check-ins; refused (422) while a campaign counts on it as a KPI."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    key_result = selectors.key_result_visible(membership, key_result_id)
    services.key_result_delete(actor=_user(request), key_result=key_result)
    return Status(204, None)


@router.get("/workspaces/{slug}/key-results/{key_result_id}/check-ins", response={200: list[CheckInOut], 404: ErrorOut})
def check_in_list(request: HttpRequest, slug: str, key_result_id: Id) -> list[CheckInOut]:
    membership = api_membership(request, slug)
    key_result = selectors.key_result_visible(membership, key_result_id)
    return [
        CheckInOut(
            id=c.pk, value=c.value, confidence=c.confidence, comment=c.comment, author=c.author.email, created_at=c.created_at
        )
        for c in selectors.check_in_history(key_result)
    ]


@router.post(
    "/workspaces/{slug}/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def check_in_create(request: HttpRequest, slug: str, key_result_id: Id, payload: CheckInIn) -> Status[CheckInOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    key_result: KeyResult = selectors.key_result_visible(membership, key_result_id)
    check_in = services.key_result_check_in(
        actor=_user(request), key_result=key_result, value=payload.value, confidence=payload.confidence, comment=payload.comment
    )
    return Status(
        201,
        CheckInOut(
            id=check_in.pk,
            value=check_in.value,
            confidence=check_in.confidence,
            comment=check_in.comment,
            author=check_in.author.email,
            created_at=check_in.created_at,
        ),
    )


class BusinessGoalIn(Schema):
    title: str = Field(max_length=200)
    description: str = ""


class BusinessGoalOut(BusinessGoalIn):
    id: int


@router.get("/workspaces/{slug}/business-goals", response={200: list[BusinessGoalOut], 403: ErrorOut, 404: ErrorOut})
def business_goal_list(request: HttpRequest, slug: str) -> list[BusinessGoalOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.OBJECTIVE_VIEW)
    return [BusinessGoalOut(id=g.pk, title=g.title, description=g.description) for g in selectors.business_goals(membership)]


@router.post("/workspaces/{slug}/business-goals", response={201: BusinessGoalOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def business_goal_create(request: HttpRequest, slug: str, payload: BusinessGoalIn) -> Status[BusinessGoalOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    goal = services.business_goal_create(
        actor=_user(request), workspace=membership.workspace, title=payload.title, description=payload.description
    )
    return Status(201, BusinessGoalOut(id=goal.pk, title=goal.title, description=goal.description))


def _changes(membership: Membership, payload: Schema) -> dict[str, object]:
    """The fields a PATCH sets, with ``owner`` (an email) turned into the member it names."""
    changes: dict[str, object] = payload.dict(exclude_unset=True, exclude_none=True)
    if "owner" in changes:
        owner = _member_by_email(membership, str(changes["owner"]))
        if owner is None:
            raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
        changes["owner"] = owner
    return changes


class ObjectivePatch(Schema):
    title: str | None = Field(None, max_length=250)
    description: str | None = None
    owner: str | None = Field(None, description="Email of a member.")
    is_shared_with_clients: bool | None = None


@router.patch(
    "/workspaces/{slug}/objectives/{objective_id}", response={200: ObjectiveOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def objective_update(request: HttpRequest, slug: str, objective_id: Id, payload: ObjectivePatch) -> ObjectiveOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    objective = selectors.objective_visible(membership, objective_id)
    services.objective_update(actor=_user(request), objective=objective, **_changes(membership, payload))
    return _objective_out(selectors.objective_visible(membership, objective_id))


class ReviewIn(Schema):
    reflection: str
    decisions: dict[Id, Literal["carry_over", "drop"]] = Field(
        description="Key result id → carry_over or drop, for every key result."
    )


@router.post(
    "/workspaces/{slug}/objectives/{objective_id}/review",
    response={200: ObjectiveOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def objective_review(request: HttpRequest, slug: str, objective_id: Id, payload: ReviewIn) -> ObjectiveOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    objective = selectors.objective_visible(membership, objective_id)
    services.objective_review(
        actor=_user(request), objective=objective, reflection=payload.reflection, decisions=dict(payload.decisions)
    )
    return _objective_out(selectors.objective_visible(membership, objective_id))
