"""API endpoints of campaigns: list, create, read with the gate state, brief, stage work, budget, approval,
advance, the KPI review and the workflow (with its Mermaid diagram)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import Membership, User
from alur.accounts.selectors import workspace_members
from alur.campaigns import selectors, services
from alur.campaigns.models import Campaign, CampaignSettings, WorkflowDefinition
from alur.campaigns.workflow import mermaid
from alur.core.policy import Action, require, require_kind, scope
from alur.core.validation import Id

router = Router(tags=["campaigns"])

Channel = Literal["seo", "sem", "social", "email", "content", "ads", "influencer", "offline"]


class MissingOut(Schema):
    kind: str
    key: str
    name: str


class BudgetLineOut(Schema):
    channel: str
    month: dt.date
    planned: Decimal
    actual: Decimal | None


class BudgetRequestOut(Schema):
    id: int
    channel: str
    month: dt.date
    current_planned: Decimal
    requested_planned: Decimal
    requested_by: str


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    stage: str
    workflow_version: int
    owner: str
    start_date: dt.date | None
    end_date: dt.date | None
    channels: list[str]
    awaiting_approval: bool
    missing_to_advance: list[MissingOut]
    brief: dict[str, str]
    key_result_ids: list[Id]
    budget: list[BudgetLineOut]
    pending_budget_requests: list[BudgetRequestOut]


class CampaignIn(Schema):
    name: str = Field(max_length=150)
    owner: str = Field(description="Email of the member who owns the campaign.")
    template: Literal["", "awareness", "product_launch", "lead_generation"] = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class BriefPatch(Schema):
    smart_goal: str | None = None
    target_audience: str | None = None
    buyer_persona: str | None = None
    value_proposition: str | None = None
    key_message: str | None = None
    conversion_path: str | None = None
    call_to_action: str | None = Field(None, max_length=200)
    market_situation: str | None = None
    competitor_analysis: str | None = None
    target_market_analysis: str | None = None
    market_gap: str | None = None
    crisis_scenario: str | None = None
    asset_backup: str | None = None
    rollback_plan: str | None = None
    escalation_path: str | None = None
    channels: list[Channel] | None = None
    is_shared_with_clients: bool | None = None
    key_result_ids: list[Id] | None = None


class OutputIn(Schema):
    output_key: str
    content: str = ""
    link: str = ""


class ChecklistIn(Schema):
    item_key: str
    done: bool = True


class BudgetLineIn(Schema):
    channel: Channel
    month: dt.date = Field(description="Any day of the month; stored as its first day.")
    planned: str = Field(description="Amount in the workspace currency; '15.000.000' and '15000000.00' both work.")
    actual: str | None = None


class CampaignDecisionIn(Schema):
    """A decision on a submitted plan or on a budget increase request (named apart from the content approvals'
    ``DecisionIn``, which takes a verdict and a reason)."""

    approve: bool = Field(description="true approves, false sends the plan back or rejects the request.")
    comment: str = Field(
        "", max_length=2000, description="Why: kept with a plan decision (required to send a plan back) and in the audit log."
    )


class KpiReviewIn(Schema):
    achieved: bool
    problem: str = ""
    optimisation: str = ""


class RaciIn(Schema):
    stage_key: str
    user: str = Field(description="Email of the member.")
    letter: Literal["R", "A", "C", "I", ""] = Field(description="An empty letter removes the person from the stage.")


class RaciRowOut(Schema):
    stage_key: str
    R: list[str]
    A: list[str]
    C: list[str]
    I: list[str]  # noqa: E741 - the RACI letter


class WorkflowOut(Schema):
    id: int
    name: str
    version: int
    definition: dict[str, Any]
    mermaid: str


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _campaign_out(campaign: Campaign, membership: Membership) -> CampaignOut:
    """The campaign as ``membership`` may see it (a client's list of key results holds only shared ones)."""
    return CampaignOut(
        id=campaign.pk,
        name=campaign.name,
        status=campaign.status,
        stage=campaign.stage_key,
        workflow_version=campaign.workflow_version.number,
        owner=campaign.owner.email,
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        channels=list(campaign.channels),
        awaiting_approval=bool(campaign.awaiting_approval_stage),
        missing_to_advance=[
            MissingOut(kind=m.kind, key=m.key, name=m.name)
            for m in (selectors.gate_missing_items(campaign) if campaign.status == "active" else [])
        ],
        brief={field: getattr(campaign, field) for field in services.BRIEF_FIELDS},
        key_result_ids=sorted(scope(campaign.key_results.all(), membership).values_list("pk", flat=True)),
        budget=[
            BudgetLineOut(channel=b.channel, month=b.month, planned=b.planned, actual=b.actual)
            for b in campaign.budget_lines.all()
        ],
        pending_budget_requests=[
            BudgetRequestOut(
                id=r.pk,
                channel=r.channel,
                month=r.month,
                current_planned=r.current_planned,
                requested_planned=r.requested_planned,
                requested_by=r.created_by.email,
            )
            for r in selectors.budget_requests_pending(campaign)
        ],
    )


def _campaign(request: HttpRequest, slug: str, campaign_id: Id) -> tuple[Membership, Campaign]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    return membership, selectors.campaign_visible(membership, campaign_id)


def _write(request: HttpRequest, slug: str, campaign_id: Id) -> tuple[Membership, Campaign]:
    membership, campaign = _campaign(request, slug, campaign_id)
    require_write_scope(request)
    return membership, campaign


def _fresh(membership: Membership, campaign: Campaign) -> CampaignOut:
    return _campaign_out(selectors.campaign_visible(membership, campaign.pk), membership)


ANSWERS: dict[int | str, Any] = {200: CampaignOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/workspaces/{slug}/campaigns", response={200: list[CampaignOut], 403: ErrorOut, 404: ErrorOut})
def campaign_list(request: HttpRequest, slug: str) -> list[CampaignOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    return [_campaign_out(c, membership) for c in selectors.campaigns_visible(membership)]


@router.post("/workspaces/{slug}/campaigns", response={201: CampaignOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def campaign_create(request: HttpRequest, slug: str, payload: CampaignIn) -> Status[CampaignOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    owner = workspace_members(membership.workspace).filter(user__email=payload.owner.strip().lower()).first()
    if owner is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    campaign = services.campaign_create(
        actor=_user(request),
        workspace=membership.workspace,
        name=payload.name,
        owner=owner.user,
        template_key=payload.template,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, _fresh(membership, campaign))


@router.get("/workspaces/{slug}/campaigns/{campaign_id}", response={200: CampaignOut, 403: ErrorOut, 404: ErrorOut})
def campaign_detail(request: HttpRequest, slug: str, campaign_id: Id) -> CampaignOut:
    membership, campaign = _campaign(request, slug, campaign_id)
    return _campaign_out(campaign, membership)


class CampaignPatch(Schema):
    """Only the fields given change. A date given as null is cleared; content can be scheduled only inside the dates."""

    name: str | None = Field(None, max_length=150)
    start_date: dt.date | None = None
    end_date: dt.date | None = Field(None, description="On or after start_date.")


@router.patch("/workspaces/{slug}/campaigns/{campaign_id}", response=ANSWERS)
def campaign_update(request: HttpRequest, slug: str, campaign_id: Id, payload: CampaignPatch) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    changes = payload.dict(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise ValidationError({"name": _("Name the campaign, e.g. Ramadan 2027 Gift Boxes.")})
    services.campaign_update(actor=_user(request), campaign=campaign, **changes)
    return _fresh(membership, campaign)


@router.patch("/workspaces/{slug}/campaigns/{campaign_id}/brief", response=ANSWERS)
def brief_update(request: HttpRequest, slug: str, campaign_id: Id, payload: BriefPatch) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    key_result_ids = changes.pop("key_result_ids", None)
    services.campaign_update(actor=_user(request), campaign=campaign, key_result_ids=key_result_ids, **changes)
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/outputs", response=ANSWERS)
def output_save(request: HttpRequest, slug: str, campaign_id: Id, payload: OutputIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.output_save(
        actor=_user(request),
        campaign=campaign,
        stage_key=campaign.stage_key,
        output_key=payload.output_key,
        content=payload.content,
        link=payload.link,
    )
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/checklist", response=ANSWERS)
def checklist_mark(request: HttpRequest, slug: str, campaign_id: Id, payload: ChecklistIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.checklist_mark(
        actor=_user(request), campaign=campaign, stage_key=campaign.stage_key, item_key=payload.item_key, is_done=payload.done
    )
    return _fresh(membership, campaign)


@router.put("/workspaces/{slug}/campaigns/{campaign_id}/budget", response=ANSWERS)
def budget_line_set(request: HttpRequest, slug: str, campaign_id: Id, payload: BudgetLineIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.budget_line_set(
        actor=_user(request),
        campaign=campaign,
        channel=payload.channel,
        month=payload.month,
        planned=payload.planned,
        actual=payload.actual,
    )
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/budget-requests/{request_id}/decision", response=ANSWERS)
def budget_request_decide(
    request: HttpRequest, slug: str, campaign_id: Id, request_id: Id, payload: CampaignDecisionIn
) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    pending = selectors.budget_requests_pending(campaign).filter(pk=request_id).first()
    if pending is None:
        raise Http404
    services.budget_increase_decide(actor=_user(request), request=pending, is_approved=payload.approve, comment=payload.comment)
    return _fresh(membership, campaign)


class CampaignSettingsIn(Schema):
    spend_approval_threshold: Decimal = Field(ge=0, description="Extra spend above this, on an approved plan, needs approval.")
    launch_readiness_threshold: Decimal = Field(
        ge=0, description="Campaigns planned above this need launch readiness to go live."
    )


class CampaignSettingsOut(CampaignSettingsIn):
    """The same rules as read back (amounts as decimal strings); a name of its own so that the document keeps
    both the accepted input and the answer."""


@router.get("/workspaces/{slug}/campaign-settings", response={200: CampaignSettingsOut, 403: ErrorOut, 404: ErrorOut})
def campaign_settings(request: HttpRequest, slug: str) -> CampaignSettingsOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    require_kind(_user(request), membership, CampaignSettings)
    rules = selectors.campaign_settings(membership.workspace)
    return CampaignSettingsOut(
        spend_approval_threshold=rules.spend_approval_threshold, launch_readiness_threshold=rules.launch_readiness_threshold
    )


@router.put(
    "/workspaces/{slug}/campaign-settings", response={200: CampaignSettingsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def campaign_settings_update(request: HttpRequest, slug: str, payload: CampaignSettingsIn) -> CampaignSettingsOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    row = services.campaign_settings_update(
        actor=_user(request),
        workspace=membership.workspace,
        spend_approval_threshold=payload.spend_approval_threshold,
        launch_readiness_threshold=payload.launch_readiness_threshold,
    )
    return CampaignSettingsOut(
        spend_approval_threshold=row.spend_approval_threshold, launch_readiness_threshold=row.launch_readiness_threshold
    )


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/approval-request", response=ANSWERS)
def approval_request(request: HttpRequest, slug: str, campaign_id: Id) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.approval_request(actor=_user(request), campaign=campaign)
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/approval-decision", response=ANSWERS)
def approval_decide(request: HttpRequest, slug: str, campaign_id: Id, payload: CampaignDecisionIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.approval_decide(actor=_user(request), campaign=campaign, is_approved=payload.approve, comment=payload.comment)
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/advance", response=ANSWERS)
def advance(request: HttpRequest, slug: str, campaign_id: Id) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.campaign_advance(actor=_user(request), campaign=campaign)
    return _fresh(membership, campaign)


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/kpi-review", response=ANSWERS)
def kpi_review(request: HttpRequest, slug: str, campaign_id: Id, payload: KpiReviewIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    services.kpi_review(
        actor=_user(request),
        campaign=campaign,
        is_achieved=payload.achieved,
        problem=payload.problem,
        optimisation=payload.optimisation,
    )
    return _fresh(membership, campaign)


@router.get("/workspaces/{slug}/campaigns/{campaign_id}/raci", response={200: list[RaciRowOut], 403: ErrorOut, 404: ErrorOut})
def raci_list(request: HttpRequest, slug: str, campaign_id: Id) -> list[RaciRowOut]:
    _membership, campaign = _campaign(request, slug, campaign_id)
    return [RaciRowOut(stage_key=row.stage_key, **row.letters) for row in selectors.raci_matrix(campaign)]


@router.put(
    "/workspaces/{slug}/campaigns/{campaign_id}/raci",
    response={200: list[RaciRowOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def raci_set(request: HttpRequest, slug: str, campaign_id: Id, payload: RaciIn) -> list[RaciRowOut]:
    membership, campaign = _write(request, slug, campaign_id)
    member = workspace_members(membership.workspace).filter(user__email=payload.user.strip().lower()).first()
    if member is None:
        raise ValidationError({"user": _("Give the email of a member of this workspace.")})
    services.raci_set(
        actor=_user(request), campaign=campaign, stage_key=payload.stage_key, user=member.user, letter=payload.letter
    )
    return [RaciRowOut(stage_key=row.stage_key, **row.letters) for row in selectors.raci_matrix(campaign)]


class InitiativeIn(Schema):
    title: str = Field(max_length=200)
    description: str = ""
    reach: int = Field(ge=0, description="People reached per quarter.")
    impact: Decimal = Field(description="0.25, 0.5, 1, 2 or 3 (Intercom's scale).")
    confidence_percent: int = Field(ge=0, le=100)
    effort_weeks: Decimal = Field(gt=0, description="Person-weeks.")
    ice_impact: int = Field(ge=1, le=10)
    ice_confidence: int = Field(ge=1, le=10)
    ice_ease: int = Field(ge=1, le=10)


class InitiativeOut(InitiativeIn):
    id: int
    rice: Decimal
    ice: int


def _initiative_out(item: Any) -> InitiativeOut:
    return InitiativeOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        reach=item.reach,
        impact=item.impact,
        confidence_percent=item.confidence_percent,
        effort_weeks=item.effort_weeks,
        ice_impact=item.ice_impact,
        ice_confidence=item.ice_confidence,
        ice_ease=item.ice_ease,
        rice=item.rice,
        ice=item.ice,
    )


@router.get("/workspaces/{slug}/initiatives", response={200: list[InitiativeOut], 403: ErrorOut, 404: ErrorOut})
def initiative_list(request: HttpRequest, slug: str, sort: Literal["rice", "ice"] = "rice") -> list[InitiativeOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    return [_initiative_out(i) for i in selectors.initiatives(membership).order_by(f"-{sort}", "title")]


@router.post("/workspaces/{slug}/initiatives", response={201: InitiativeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def initiative_create(request: HttpRequest, slug: str, payload: InitiativeIn) -> Status[InitiativeOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    item = services.initiative_create(actor=_user(request), workspace=membership.workspace, **payload.dict())
    return Status(201, _initiative_out(item))


class RiskIn(Schema):
    risk: str = Field(max_length=200)
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    mitigation: str
    owner: str = Field(description="Email of the member who owns the risk.")


@router.post("/workspaces/{slug}/campaigns/{campaign_id}/risks", response=ANSWERS)
def risk_add(request: HttpRequest, slug: str, campaign_id: Id, payload: RiskIn) -> CampaignOut:
    membership, campaign = _write(request, slug, campaign_id)
    owner = workspace_members(membership.workspace).filter(user__email=payload.owner.strip().lower()).first()
    if owner is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    services.risk_add(
        actor=_user(request),
        campaign=campaign,
        risk=payload.risk,
        likelihood=payload.likelihood,
        impact=payload.impact,
        mitigation=payload.mitigation,
        owner=owner.user,
    )
    return _fresh(membership, campaign)


class TaskIn(Schema):
    title: str = Field(max_length=200)
    owner: str = Field(description="Email of the member who does the task.")
    estimate_hours: Decimal = Field(gt=0, le=1000)
    due_date: dt.date | None = None
    checklist: list[str] = []


class TaskOut(Schema):
    id: int
    title: str
    owner: str
    estimate_hours: Decimal
    due_date: dt.date | None
    status: str
    position: int
    depends_on: list[int]
    checklist: list[dict[str, Any]]


class TaskMoveIn(Schema):
    status: Literal["todo", "doing", "review", "done"]
    position: int = Field(0, ge=0)


class DependencyIn(Schema):
    depends_on: Id


def _task_out(task: Any) -> TaskOut:
    return TaskOut(
        id=task.pk,
        title=task.title,
        owner=task.owner.email,
        estimate_hours=task.estimate_hours,
        due_date=task.due_date,
        status=task.status,
        position=task.position,
        depends_on=sorted(t.pk for t in task.depends_on.all()),
        checklist=task.checklist,
    )


@router.get("/workspaces/{slug}/campaigns/{campaign_id}/tasks", response={200: list[TaskOut], 403: ErrorOut, 404: ErrorOut})
def task_list(request: HttpRequest, slug: str, campaign_id: Id) -> list[TaskOut]:
    membership, campaign = _campaign(request, slug, campaign_id)
    return [_task_out(t) for t in selectors.campaign_tasks(membership, campaign)]


@router.post(
    "/workspaces/{slug}/campaigns/{campaign_id}/tasks", response={201: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def task_create(request: HttpRequest, slug: str, campaign_id: Id, payload: TaskIn) -> Status[TaskOut]:
    membership, campaign = _write(request, slug, campaign_id)
    owner = workspace_members(membership.workspace).filter(user__email=payload.owner.strip().lower()).first()
    if owner is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    task = services.task_create(
        actor=_user(request),
        campaign=campaign,
        title=payload.title,
        owner=owner.user,
        estimate_hours=payload.estimate_hours,
        due_date=payload.due_date,
        checklist=payload.checklist,
    )
    return Status(201, _task_out(task))


@router.post(
    "/workspaces/{slug}/campaigns/{campaign_id}/tasks/{task_id}/move",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def task_move(request: HttpRequest, slug: str, campaign_id: Id, task_id: Id, payload: TaskMoveIn) -> TaskOut:
    membership, campaign = _write(request, slug, campaign_id)
    task = services.task_move(
        actor=_user(request),
        task=selectors.task_of(membership, campaign, task_id),
        status=payload.status,
        position=payload.position,
    )
    return _task_out(task)


@router.post(
    "/workspaces/{slug}/campaigns/{campaign_id}/tasks/{task_id}/dependencies",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def task_dependency(request: HttpRequest, slug: str, campaign_id: Id, task_id: Id, payload: DependencyIn) -> TaskOut:
    membership, campaign = _write(request, slug, campaign_id)
    task = selectors.task_of(membership, campaign, task_id)
    services.task_add_dependency(
        actor=_user(request), task=task, depends_on=selectors.task_of(membership, campaign, payload.depends_on)
    )
    return _task_out(task)


@router.delete(
    "/workspaces/{slug}/campaigns/{campaign_id}/tasks/{task_id}/dependencies/{depends_on_id}",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def task_dependency_remove(request: HttpRequest, slug: str, campaign_id: Id, task_id: Id, depends_on_id: Id) -> TaskOut:
    """The task no longer waits for ``depends_on_id``; 422 when it did not."""
    membership, campaign = _write(request, slug, campaign_id)
    task = selectors.task_of(membership, campaign, task_id)
    services.task_remove_dependency(
        actor=_user(request), task=task, depends_on=selectors.task_of(membership, campaign, depends_on_id)
    )
    return _task_out(task)


class PlaybookIn(Schema):
    name: str = Field(max_length=120)
    kind: Literal["launch", "qa", "brand"]
    items: list[str]


class PlaybookOut(Schema):
    id: int
    name: str
    kind: str
    items: list[str]


class PlaybookApplyIn(Schema):
    playbook_id: Id


@router.get("/workspaces/{slug}/playbooks", response={200: list[PlaybookOut], 403: ErrorOut, 404: ErrorOut})
def playbook_list(request: HttpRequest, slug: str) -> list[PlaybookOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    return [PlaybookOut(id=p.pk, name=p.name, kind=p.kind, items=p.items) for p in selectors.playbooks(membership)]


@router.post("/workspaces/{slug}/playbooks", response={201: PlaybookOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def playbook_create(request: HttpRequest, slug: str, payload: PlaybookIn) -> Status[PlaybookOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    playbook = services.playbook_create(
        actor=_user(request), workspace=membership.workspace, name=payload.name, kind=payload.kind, items=payload.items
    )
    return Status(201, PlaybookOut(id=playbook.pk, name=playbook.name, kind=playbook.kind, items=playbook.items))


@router.post(
    "/workspaces/{slug}/campaigns/{campaign_id}/playbook", response={201: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def playbook_apply(request: HttpRequest, slug: str, campaign_id: Id, payload: PlaybookApplyIn) -> Status[TaskOut]:
    membership, campaign = _write(request, slug, campaign_id)
    playbook = selectors.playbooks(membership).filter(pk=payload.playbook_id).first()
    if playbook is None:
        raise Http404
    return Status(201, _task_out(services.playbook_apply(actor=_user(request), playbook=playbook, campaign=campaign)))


@router.get("/workspaces/{slug}/workflow", response={200: WorkflowOut, 403: ErrorOut, 404: ErrorOut})
def workflow(request: HttpRequest, slug: str, language: Literal["id", "en"] = "id") -> WorkflowOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    require_kind(_user(request), membership, WorkflowDefinition)
    version = services.workflow_default(membership.workspace)
    return _workflow_out(version, language)


def _workflow_out(version: Any, language: str) -> WorkflowOut:
    return WorkflowOut(
        id=version.definition.pk,
        name=version.definition.name,
        version=version.number,
        definition=version.spec,
        mermaid=mermaid(version.workflow, language=language),
    )


class WorkflowVersionIn(Schema):
    definition: dict[str, Any] = Field(description="The stages, as returned in `definition` by GET /workflow.")


@router.get("/workspaces/{slug}/workflows", response={200: list[WorkflowOut], 403: ErrorOut, 404: ErrorOut})
def workflow_list(request: HttpRequest, slug: str, language: Literal["id", "en"] = "id") -> list[WorkflowOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CAMPAIGN_VIEW)
    services.workflow_default(membership.workspace)
    return [_workflow_out(d.latest_version(), language) for d in selectors.workflow_definitions(membership)]


@router.post(
    "/workspaces/{slug}/workflows/{workflow_id}/versions",
    response={201: WorkflowOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def workflow_publish(request: HttpRequest, slug: str, workflow_id: Id, payload: WorkflowVersionIn) -> Status[WorkflowOut]:
    """Publish a new version of a workflow; running campaigns keep the version they started with."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    definition = selectors.workflow_definition(membership, workflow_id)
    version = services.workflow_version_publish(actor=_user(request), definition=definition, spec=payload.definition)
    return Status(201, _workflow_out(version, "id"))
