"""Reads of campaigns: what a member may see, gate state and stage overview, budget summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import get_language

from alur.accounts.models import Membership, Workspace
from alur.campaigns.models import (
    BudgetIncreaseRequest,
    BudgetLine,
    Campaign,
    CampaignSettings,
    GateApproval,
    Initiative,
    Playbook,
    Task,
    WorkflowDefinition,
)
from alur.campaigns.planning import week_start, weekly_load
from alur.campaigns.workflow import GateState, Missing, Stage, gate_missing
from alur.core.policy import scope


def campaigns_visible(membership: Membership) -> QuerySet[Campaign]:
    """All campaigns for the team; a contractor sees the ones they own, a client the shared ones."""
    return scope(Campaign.objects.select_related("owner", "workflow_version__definition"), membership)


def campaign_visible(membership: Membership, campaign_id: int) -> Campaign:
    campaign = campaigns_visible(membership).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def _language() -> str:
    language = get_language() or "en"
    return "id" if language.startswith("id") else "en"


LAUNCH_FIELDS = ("crisis_scenario", "asset_backup", "rollback_plan")


def launch_readiness_missing(campaign: Campaign) -> list[str]:
    """The parts of launch readiness still empty: the risk register and the three plans."""
    missing = [] if campaign.risks.exists() else ["risks"]
    return missing + [field for field in LAUNCH_FIELDS if not getattr(campaign, field).strip()]


def needs_launch_readiness(campaign: Campaign, stage_key: str) -> bool:
    """True when leaving ``stage_key`` means going live and the planned budget is above the threshold."""
    following = campaign.workflow_version.workflow.next_stage(stage_key)
    if following is None or not following.is_launch:
        return False
    planned = sum((line.planned for line in BudgetLine.objects.filter(campaign=campaign)), Decimal(0))
    return planned > campaign_settings(campaign.workspace).launch_readiness_threshold


def gate_state(campaign: Campaign, stage_key: str) -> GateState:
    outputs = {
        output.output_key
        for output in campaign.outputs.filter(stage_key=stage_key)
        if output.content.strip() or output.link.strip()
    }
    marks = set(campaign.checklist_marks.filter(stage_key=stage_key).values_list("item_key", flat=True))
    latest = GateApproval.objects.filter(campaign=campaign, stage_key=stage_key).order_by("-decided_at", "-id").first()
    needs_readiness = needs_launch_readiness(campaign, stage_key)
    return GateState(
        outputs_present=frozenset(outputs),
        checklist_done=frozenset(marks),
        is_approved=latest is not None and latest.decision == GateApproval.Decision.APPROVED,
        needs_launch_readiness=needs_readiness,
        is_launch_ready=needs_readiness and not launch_readiness_missing(campaign),
    )


def gate_missing_items(campaign: Campaign) -> list[Missing]:
    """What the current stage's gate still needs, named in the active language."""
    stage = campaign.workflow_version.workflow.stage(campaign.stage_key)
    return gate_missing(stage, gate_state(campaign, campaign.stage_key), language=_language())


@dataclass(frozen=True)
class StageView:
    stage: Stage
    name: str
    position: str  # "done", "current" or "upcoming"


def stage_overview(campaign: Campaign) -> list[StageView]:
    workflow = campaign.workflow_version.workflow
    current = workflow.index(campaign.stage_key)
    language = _language()
    views = []
    for index, stage in enumerate(workflow.stages):
        if campaign.status == Campaign.Status.COMPLETED or index < current:
            position = "done"
        elif index == current:
            position = "current"
        else:
            position = "upcoming"
        views.append(StageView(stage=stage, name=stage.name(language), position=position))
    return views


@dataclass(frozen=True)
class BudgetSummary:
    months: list[str]
    rows: list[tuple[str, list[Decimal | None], Decimal, Decimal]]  # channel, planned per month, planned total, actual total
    planned_total: Decimal
    actual_total: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus planned: positive means overspent."""
        return self.actual_total - self.planned_total


def budget_summary(campaign: Campaign) -> BudgetSummary:
    lines = list(BudgetLine.objects.filter(campaign=campaign))
    months = sorted({line.month.strftime("%Y-%m") for line in lines})
    by_channel: dict[str, dict[str, BudgetLine]] = defaultdict(dict)
    for line in lines:
        by_channel[line.channel][line.month.strftime("%Y-%m")] = line
    rows = []
    for channel in sorted(by_channel):
        cells = by_channel[channel]
        planned = [cells[month].planned if month in cells else None for month in months]
        rows.append(
            (
                channel,
                planned,
                sum((line.planned for line in cells.values()), Decimal(0)),
                sum((line.actual or Decimal(0) for line in cells.values()), Decimal(0)),
            )
        )
    return BudgetSummary(
        months=months,
        rows=rows,
        planned_total=sum((line.planned for line in lines), Decimal(0)),
        actual_total=sum((line.actual or Decimal(0) for line in lines), Decimal(0)),
    )


@dataclass(frozen=True)
class RaciRow:
    stage_key: str
    name: str
    letters: dict[str, list[str]]  # "R", "A", "C", "I" -> display names


def raci_matrix(campaign: Campaign) -> list[RaciRow]:
    """The RACI matrix: one row per stage, the people under each letter."""
    from alur.campaigns.models import RaciAssignment

    people: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"R": [], "A": [], "C": [], "I": []})
    for assignment in RaciAssignment.objects.filter(campaign=campaign).select_related("user"):
        people[assignment.stage_key][assignment.letter].append(assignment.user.display_name)
    language = _language()
    return [RaciRow(stage.key, stage.name(language), people[stage.key]) for stage in campaign.workflow_version.workflow.stages]


def campaign_settings(workspace: Workspace) -> CampaignSettings:
    """The workspace's campaign rules; the defaults until a manager changes them."""
    return CampaignSettings.objects.filter(workspace=workspace).first() or CampaignSettings(workspace=workspace)


def is_plan_approved(campaign: Campaign) -> bool:
    return GateApproval.objects.filter(campaign=campaign, decision=GateApproval.Decision.APPROVED).exists()


def budget_requests_pending(campaign: Campaign) -> QuerySet[BudgetIncreaseRequest]:
    return BudgetIncreaseRequest.objects.filter(campaign=campaign, state=BudgetIncreaseRequest.State.PENDING).select_related(
        "created_by"
    )


def budget_pacing(campaign: Campaign, today: dt.date) -> tuple[Decimal, Decimal] | None:
    """(planned to date, actual to date) for the months that have started, or None before any has.
    Pacing = actual / planned to date; the current month counts in full, as spend is booked monthly."""
    lines = BudgetLine.objects.filter(campaign=campaign, month__lte=today.replace(day=1))
    if not lines:
        return None
    planned = sum((line.planned for line in lines), Decimal(0))
    actual = sum((line.actual or Decimal(0) for line in lines), Decimal(0))
    return planned, actual


def initiatives(membership: Membership) -> QuerySet[Initiative]:
    return scope(Initiative.objects.select_related("campaign", "created_by"), membership)


def campaign_tasks(membership: Membership, campaign: Campaign) -> QuerySet[Task]:
    """The campaign's tasks the member may see, in board order: column by column (to do → done), then
    position."""
    column = Case(
        *(When(status=value, then=Value(index)) for index, value in enumerate(Task.Status.values)), output_field=IntegerField()
    )
    return (
        scope(Task.objects.filter(campaign=campaign), membership)
        .select_related("owner")
        .prefetch_related("depends_on")
        .order_by(column, "position", "id")
    )


def task_of(membership: Membership, campaign: Campaign, task_id: int) -> Task:
    task = scope(Task.objects.filter(campaign=campaign), membership).filter(pk=task_id).first()
    if task is None:
        raise Http404("No such task.")
    return task


@dataclass(frozen=True)
class CapacityRow:
    user_id: int
    name: str
    capacity: Decimal
    weeks: list[tuple[dt.date, Decimal, bool]]  # week start, load, overloaded?


def capacity_grid(membership: Membership, *, first_week: dt.date, weeks: int = 6) -> list[CapacityRow]:
    """Each member's booked hours per week (open tasks of all campaigns, by due week) against capacity.
    An outside member sees only their own row, counting only the tasks they may see."""
    starts = [week_start(first_week) + dt.timedelta(weeks=i) for i in range(weeks)]
    open_tasks = scope(Task.objects.all(), membership).exclude(status=Task.Status.DONE)
    load = weekly_load(open_tasks.values_list("owner_id", "due_date", "estimate_hours"))
    rows = []
    for member in scope(Membership.objects.select_related("user"), membership).order_by("user__full_name", "user__email"):
        cells = [
            (
                start,
                load.get((member.user_id, start), Decimal(0)),
                load.get((member.user_id, start), Decimal(0)) > member.weekly_capacity_hours,
            )
            for start in starts
        ]
        rows.append(CapacityRow(member.user_id, member.user.display_name, member.weekly_capacity_hours, cells))
    return rows


def capacity_hint(
    viewer: Membership, *, user_id: int, due_date: dt.date, extra_hours: Decimal
) -> tuple[Decimal, Decimal, bool] | None:
    """(load with the new task, capacity, overloaded?) for a person in the week of ``due_date``; shown
    before a task is assigned. None for a person the ``viewer`` may not see."""
    membership = scope(Membership.objects.all(), viewer).filter(user_id=user_id).first()
    if membership is None:
        return None
    start = week_start(due_date)
    open_tasks = scope(Task.objects.all(), viewer).filter(
        owner_id=user_id, due_date__gte=start, due_date__lt=start + dt.timedelta(days=7)
    )
    booked = sum((t.estimate_hours for t in open_tasks.exclude(status=Task.Status.DONE)), Decimal(0))
    total = booked + extra_hours
    return total, membership.weekly_capacity_hours, total > membership.weekly_capacity_hours


def workflow_definitions(membership: Membership) -> QuerySet[WorkflowDefinition]:
    return scope(WorkflowDefinition.objects.prefetch_related("versions"), membership)


def workflow_definition(membership: Membership, definition_id: int) -> WorkflowDefinition:
    definition = workflow_definitions(membership).filter(pk=definition_id).first()
    if definition is None:
        raise Http404("No such workflow.")
    return definition


def playbooks(membership: Membership) -> QuerySet[Playbook]:
    return scope(Playbook.objects.all(), membership)
