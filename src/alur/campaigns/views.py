"""Pages of campaigns: the list, a new campaign, the campaign page (stage tracker, gate, brief, budget,
history) and the workflow with its diagram. Views parse, call one service, and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.accounts.forms import add_service_errors
from alur.accounts.models import Membership
from alur.accounts.selectors import members_visible, workspace_members
from alur.campaigns import selectors, services
from alur.campaigns.forms import CHANNEL_LABELS, BriefForm, BudgetLineForm, CampaignCreateForm, CampaignEditForm
from alur.campaigns.models import (
    BudgetIncreaseRequest,
    Campaign,
    CampaignSettings,
    GateApproval,
    Playbook,
    StageTransition,
    Task,
    WorkflowDefinition,
)
from alur.campaigns.planning import gantt_bars, week_start
from alur.campaigns.workflow import definition_from_rows, diagram_svg, editor_rows, mermaid
from alur.core.policy import Action, reaches_kind, require_kind, scope
from alur.core.roles import Role
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view
from alur.strategy.models import KeyResult


def _language() -> str:
    return "id" if (get_language() or "en").startswith("id") else "en"


def _members(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.display_name) for m in members_visible(request.membership)]


def _posted_member(request: WorkspaceRequest, field: str) -> Membership | None:
    """The member whose user id was posted in ``field``; None for anything else (another workspace, junk)."""
    user_id = request.POST.get(field, "")
    return workspace_members(request.workspace).filter(user_id=int(user_id)).first() if user_id.isdigit() else None


@workspace_view(Action.CAMPAIGN_VIEW)
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_visible(request.membership))
    rows = [(campaign, campaign.workflow_version.workflow.stage(campaign.stage_key).name(_language())) for campaign in campaigns]
    return render(request, "campaigns/campaign_list.html", {"rows": rows, "can_manage": can(request, Action.CAMPAIGN_MANAGE)})


@workspace_view(Action.CAMPAIGN_MANAGE)
def campaign_create(request: WorkspaceRequest) -> HttpResponse:
    workflows = [(d.pk, d.name) for d in selectors.workflow_definitions(request.membership)]
    form = CampaignCreateForm(
        request.POST or None,
        members=_members(request),
        workflows=workflows,
        language=_language(),
        initial={"owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = workspace_members(request.workspace).filter(user_id=data["owner"]).first()
        try:
            campaign = services.campaign_create(
                actor=request_user(request),
                workspace=request.workspace,
                name=data["name"],
                owner=owner.user if owner else request_user(request),
                template_key=data["template"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                workflow=selectors.workflow_definitions(request.membership).filter(pk=data["workflow"]).first()
                if data["workflow"]
                else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign created in its first stage. Fill in the brief next."))
            return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_create.html", {"form": form})


def _key_result_choices(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return [
        (kr.pk, f"{kr.objective.period.name} · {kr.title}")
        for kr in scope(KeyResult.objects.select_related("objective__period"), request.membership)
    ]


def _detail_context(request: WorkspaceRequest, campaign: Campaign, *, brief_form: BriefForm | None = None) -> dict[str, Any]:
    language = _language()
    workflow = campaign.workflow_version.workflow
    stage = workflow.stage(campaign.stage_key)
    state = selectors.gate_state(campaign, stage.key)
    outputs = {o.output_key: o for o in campaign.outputs.filter(stage_key=stage.key)}
    if brief_form is None:
        initial = {field: getattr(campaign, field) for field in services.BRIEF_FIELDS}
        initial.update(
            channels=campaign.channels,
            key_results=list(campaign.key_results.values_list("pk", flat=True)),
            is_shared_with_clients=campaign.is_shared_with_clients,
        )
        brief_form = BriefForm(initial=initial, key_results=_key_result_choices(request))
    # The campaign rules are the team's: an outside member does not see the thresholds.
    rules = selectors.campaign_settings(campaign.workspace) if reaches_kind(request.membership, CampaignSettings) else None
    return {
        "campaign": campaign,
        "stages": selectors.stage_overview(campaign),
        "stage": stage,
        "stage_name": stage.name(language),
        "responsible_role": Role(stage.responsible_role).label,
        "outputs": [(item, item.name(language), outputs.get(item.key)) for item in stage.outputs],
        "checklist": [(item, item.name(language), item.key in state.checklist_done) for item in stage.checklist],
        "missing": selectors.gate_missing_items(campaign) if campaign.status == Campaign.Status.ACTIVE else [],
        "is_awaiting_approval": campaign.awaiting_approval_stage == stage.key,
        "is_approved": state.is_approved,
        "brief_form": brief_form,
        "budget": selectors.budget_summary(campaign),
        "budget_requests": selectors.budget_requests_pending(campaign),
        "pacing": selectors.budget_pacing(campaign, timezone.localdate()),
        "spend_threshold": rules.spend_approval_threshold if rules else None,
        "budget_form": BudgetLineForm(),
        "channel_labels": CHANNEL_LABELS,
        "transitions": StageTransition.objects.filter(campaign=campaign).select_related("actor"),
        "approvals": GateApproval.objects.filter(campaign=campaign).select_related("decided_by"),
        "linked_key_results": scope(campaign.key_results.select_related("objective"), request.membership),
        "can_manage": can(request, Action.CAMPAIGN_MANAGE, campaign),
        "can_work": can(request, Action.CAMPAIGN_STAGE_WORK, campaign),
        "can_approve": can(request, Action.CAMPAIGN_APPROVE_PLAN, campaign),
        "can_budget": can(request, Action.BUDGET_MANAGE, campaign),
        "currency": request.workspace.currency,
        "raci": selectors.raci_matrix(campaign),
        "risks": campaign.risks.select_related("owner"),
        "launch_required": selectors.needs_launch_readiness(campaign, campaign.stage_key),
        "launch_missing": selectors.launch_readiness_missing(campaign),
        "launch_threshold": rules.launch_readiness_threshold if rules else None,
        "members": _members(request),
        "all_stages": [(view.stage.key, view.name) for view in selectors.stage_overview(campaign)],
    }


@workspace_view(Action.CAMPAIGN_MANAGE)
def campaign_edit(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    """Rename the campaign or move its dates (the window its content can be scheduled in)."""
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    form = CampaignEditForm(
        request.POST or None,
        initial={"name": campaign.name, "start_date": campaign.start_date, "end_date": campaign.end_date},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.campaign_update(actor=request_user(request), campaign=campaign, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Campaign name and dates saved."))
                return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign.pk)
        status = 422
    return render(request, "campaigns/campaign_edit.html", {"form": form, "campaign": campaign}, status=status)


@workspace_view(Action.CAMPAIGN_VIEW)
def campaign_detail(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


@require_POST
@workspace_view(Action.CAMPAIGN_MANAGE)
def brief_save(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    form = BriefForm(request.POST, key_results=_key_result_choices(request))
    if form.is_valid():
        data = dict(form.cleaned_data)
        key_result_ids = data.pop("key_results")
        try:
            services.campaign_update(actor=request_user(request), campaign=campaign, key_result_ids=key_result_ids, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Brief saved."))
            return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign.pk)
    context = _detail_context(request, campaign, brief_form=form)
    return render(request, "campaigns/campaign_detail.html", context, status=422)


def _post_action(request: WorkspaceRequest, campaign_id: int, action: Callable[[Campaign], object], success: str) -> HttpResponse:
    """Run one service for the campaign; show its refusal (what is missing, what is wrong) as a message."""
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    try:
        action(campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign.pk)


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def output_save(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    return _post_action(
        request,
        campaign_id,
        lambda campaign: services.output_save(
            actor=request_user(request),
            campaign=campaign,
            stage_key=campaign.stage_key,
            output_key=request.POST.get("output_key", ""),
            content=request.POST.get("content", ""),
            link=request.POST.get("link", ""),
        ),
        _("Output saved."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def checklist_toggle(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    return _post_action(
        request,
        campaign_id,
        lambda campaign: services.checklist_mark(
            actor=request_user(request),
            campaign=campaign,
            stage_key=campaign.stage_key,
            item_key=request.POST.get("item_key", ""),
            is_done=request.POST.get("done") == "1",
        ),
        _("Checklist updated."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def budget_save(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    back = redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign.pk)
    form = BudgetLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    try:
        month = dt.date.fromisoformat(f"{data['month']}-01")
    except ValueError:
        messages.error(request, _("Choose the month as YYYY-MM, e.g. 2027-01."))
        return back
    try:
        result = services.budget_line_set(
            actor=request_user(request),
            campaign=campaign,
            channel=data["channel"],
            month=month,
            planned=data["planned"],
            actual=data["actual"] or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if isinstance(result, BudgetIncreaseRequest):
            messages.warning(
                request,
                _(
                    "The increase is above the workspace threshold: it waits for the approval "
                    "of the person accountable for the budget."
                ),
            )
        else:
            messages.success(request, _("Budget line saved."))
    return back


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def budget_request_decide(request: WorkspaceRequest, campaign_id: int, request_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    pending = selectors.budget_requests_pending(campaign).filter(pk=request_id).first()
    if pending is None:
        raise Http404("No such request.")
    is_approved = request.POST.get("decision") == "approve"
    return _post_action(
        request,
        campaign_id,
        lambda c: services.budget_increase_decide(actor=request_user(request), request=pending, is_approved=is_approved),
        _("Budget increase approved.") if is_approved else _("Budget increase rejected."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def raci_save(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    member = _posted_member(request, "user")
    if member is None:
        messages.error(request, _("Choose a member of this workspace."))
        return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign_id)
    return _post_action(
        request,
        campaign_id,
        lambda c: services.raci_set(
            actor=request_user(request),
            campaign=c,
            stage_key=request.POST.get("stage_key", ""),
            user=member.user,
            letter=request.POST.get("letter", ""),
        ),
        _("RACI updated."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def launch_plan_save(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    return _post_action(
        request,
        campaign_id,
        lambda c: services.campaign_update(
            actor=request_user(request),
            campaign=c,
            crisis_scenario=request.POST.get("crisis_scenario", ""),
            asset_backup=request.POST.get("asset_backup", ""),
            rollback_plan=request.POST.get("rollback_plan", ""),
            escalation_path=request.POST.get("escalation_path", ""),
        ),
        _("Launch plan saved."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def risk_add(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    member = _posted_member(request, "owner")
    if member is None:
        messages.error(request, _("Choose a member of this workspace."))
        return redirect("campaigns:campaign_detail", slug=request.workspace.slug, campaign_id=campaign_id)
    return _post_action(
        request,
        campaign_id,
        lambda c: services.risk_add(
            actor=request_user(request),
            campaign=c,
            risk=request.POST.get("risk", ""),
            likelihood=request.POST.get("likelihood", ""),
            impact=request.POST.get("impact", ""),
            mitigation=request.POST.get("mitigation", ""),
            owner=member.user,
        ),
        _("Risk added."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def approval_request(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    return _post_action(
        request,
        campaign_id,
        lambda c: services.approval_request(actor=request_user(request), campaign=c),
        _("Submitted for management approval."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def approval_decide(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    is_approved = request.POST.get("decision") == "approve"
    return _post_action(
        request,
        campaign_id,
        lambda c: services.approval_decide(
            actor=request_user(request), campaign=c, is_approved=is_approved, comment=request.POST.get("comment", "")
        ),
        _("Plan approved.") if is_approved else _("Plan sent back with your reason."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def advance(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    return _post_action(
        request,
        campaign_id,
        lambda c: services.campaign_advance(actor=request_user(request), campaign=c),
        _("The campaign moved on."),
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def kpi_review(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    is_achieved = request.POST.get("achieved") == "yes"
    return _post_action(
        request,
        campaign_id,
        lambda c: services.kpi_review(
            actor=request_user(request),
            campaign=c,
            is_achieved=is_achieved,
            problem=request.POST.get("problem", ""),
            optimisation=request.POST.get("optimisation", ""),
        ),
        _("KPI achieved: on to reporting.")
        if is_achieved
        else _("Recorded: problem identified, strategy optimised. Analyse again."),
    )


@workspace_view(Action.CAMPAIGN_VIEW)
def workflow_page(request: WorkspaceRequest) -> HttpResponse:
    """The workflows of the workspace: each one's stages, gates and diagram; the campaign rules."""
    require_kind(request_user(request), request.membership, WorkflowDefinition)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "new_workflow":
                definition = services.workflow_definition_create(
                    actor=request_user(request), workspace=request.workspace, name=request.POST.get("name", "")
                )
                messages.success(request, _("Workflow created as a copy of the default. Edit its stages now."))
                return redirect("campaigns:workflow_edit", slug=request.workspace.slug, definition_id=definition.pk)
            services.campaign_settings_update(
                actor=request_user(request),
                workspace=request.workspace,
                spend_approval_threshold=request.POST.get("spend_approval_threshold", ""),
                launch_readiness_threshold=request.POST.get("launch_readiness_threshold", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Campaign rules saved."))
        return redirect("campaigns:workflow", slug=request.workspace.slug)
    default = services.workflow_default(request.workspace)
    raw = request.GET.get("definition", "")
    definition = selectors.workflow_definition(request.membership, int(raw)) if raw.isdigit() else default.definition
    version = definition.latest_version()
    language = _language()
    return render(
        request,
        "campaigns/workflow.html",
        {
            "version": version,
            "definitions": selectors.workflow_definitions(request.membership),
            "stages": [
                (stage, stage.name(language), [item.name(language) for item in stage.outputs])
                for stage in version.workflow.stages
            ],
            "mermaid": mermaid(version.workflow, language=language),
            "diagram": mark_safe(diagram_svg(version.workflow, language=language)),  # noqa: S308 - every label is escaped
            "rules": selectors.campaign_settings(request.workspace),
            "can_set_rules": can(request, Action.WORKSPACE_UPDATE),
            "can_edit": can(request, Action.WORKFLOW_MANAGE),
            "roles": dict(Role.choices),
        },
    )


EDITOR_FIELDS = ("key", "name_id", "name_en", "responsible_role", "outputs", "checklist")
EDITOR_FLAGS = ("approval", "kpi_review", "launch")


def _editor_rows_from_post(post: Any) -> list[dict[str, Any]]:
    count = int(post.get("stage_count", "0")) if post.get("stage_count", "0").isdigit() else 0
    rows = []
    for index in range(min(count, 30)):
        row: dict[str, Any] = {field: post.get(f"stage-{index}-{field}", "") for field in EDITOR_FIELDS}
        row.update({flag: post.get(f"stage-{index}-{flag}") == "on" for flag in EDITOR_FLAGS})
        rows.append(row)
    return rows


@workspace_view(Action.WORKFLOW_MANAGE)
def workflow_edit(request: WorkspaceRequest, definition_id: int) -> HttpResponse:
    """Edit a workflow's stages: add, remove, reorder, rename, responsible role, outputs, checklist and
    gates. Saving publishes a new version; running campaigns keep theirs."""
    definition = selectors.workflow_definition(request.membership, definition_id)
    previous = definition.latest_version()
    problems: list[str] = []
    if request.method == "POST":
        rows = _editor_rows_from_post(request.POST)
        action = request.POST.get("action", "")
        verb, _sep, position = action.partition("-")
        index = int(position) if position.isdigit() and int(position) < len(rows) else None
        if verb == "add":
            rows.append(
                {"key": "", "name_id": "", "name_en": "", "responsible_role": "campaign_manager", "outputs": "", "checklist": ""}
            )
        elif verb == "remove" and index is not None and len(rows) > 1:
            rows.pop(index)
        elif verb == "up" and index:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif verb == "down" and index is not None and index + 1 < len(rows):
            rows[index + 1], rows[index] = rows[index], rows[index + 1]
        elif verb == "save":
            spec = definition_from_rows(rows, previous.workflow)
            try:
                version = services.workflow_version_publish(actor=request_user(request), definition=definition, spec=spec)
            except ValidationError as error:
                problems = [message for messages_ in error.message_dict.values() for message in messages_]
            else:
                messages.success(
                    request,
                    _("Version %(number)s published. New campaigns use it; running ones keep theirs.")
                    % {"number": version.number},
                )
                return redirect(f"{reverse('campaigns:workflow', args=[request.workspace.slug])}?definition={definition.pk}")
    else:
        rows = editor_rows(previous.workflow)
    return render(
        request,
        "campaigns/workflow_edit.html",
        {"definition": definition, "version": previous, "rows": rows, "roles": Role.choices, "problems": problems},
        status=422 if problems else 200,
    )


SORTS = {"rice": ("-rice", "title"), "ice": ("-ice", "title"), "effort": ("effort_weeks", "title"), "title": ("title",)}


@workspace_view(Action.CAMPAIGN_VIEW)
def initiatives(request: WorkspaceRequest) -> HttpResponse:
    """Initiatives sorted by RICE or ICE score; planners add new ones with their scores."""
    if request.method == "POST":
        try:
            services.initiative_create(
                actor=request_user(request),
                workspace=request.workspace,
                **{field: request.POST.get(field, "") for field in INITIATIVE_FIELDS},  # type: ignore[arg-type]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Initiative scored."))
        return redirect("campaigns:initiatives", slug=request.workspace.slug)
    sort = request.GET.get("sort", "rice")
    ordering = SORTS.get(sort, SORTS["rice"])
    return render(
        request,
        "campaigns/initiatives.html",
        {
            "initiatives": selectors.initiatives(request.membership).order_by(*ordering),
            "sort": sort if sort in SORTS else "rice",
            "can_manage": can(request, Action.CAMPAIGN_MANAGE),
        },
    )


INITIATIVE_FIELDS = (
    "title",
    "description",
    "reach",
    "impact",
    "confidence_percent",
    "effort_weeks",
    "ice_impact",
    "ice_confidence",
    "ice_ease",
)


def _board_context(request: WorkspaceRequest, campaign: Campaign) -> dict[str, Any]:
    tasks = list(selectors.campaign_tasks(request.membership, campaign))
    columns = [(value, label, [t for t in tasks if t.status == value]) for value, label in Task.Status.choices]
    return {
        "campaign": campaign,
        "columns": columns,
        "tasks": tasks,
        "members": _members(request),
        "can_plan": can(request, Action.TASK_MANAGE, campaign),
        "playbooks": selectors.playbooks(request.membership),
    }


@workspace_view(Action.CAMPAIGN_VIEW)
def task_board(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    if request.method == "POST":
        member = _posted_member(request, "owner")
        due = request.POST.get("due_date", "")
        try:
            if member is None:
                raise ValidationError({"owner": _("Choose a member of this workspace.")})
            try:
                due_date = dt.date.fromisoformat(due) if due else None
            except ValueError:
                raise ValidationError({"due_date": _("Choose the due date with the date picker (YYYY-MM-DD).")}) from None
            services.task_create(
                actor=request_user(request),
                campaign=campaign,
                title=request.POST.get("title", ""),
                owner=member.user,
                estimate_hours=request.POST.get("estimate_hours", ""),
                due_date=due_date,
                checklist=request.POST.get("checklist", "").splitlines(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Task added."))
        return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)
    return render(request, "campaigns/task_board.html", _board_context(request, campaign))


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def task_move(request: WorkspaceRequest, campaign_id: int, task_id: int) -> HttpResponse:
    """Called by the board's drag-and-drop (and by the plain form without JavaScript)."""
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    task = selectors.task_of(request.membership, campaign, task_id)
    position = request.POST.get("position", "0")
    try:
        services.task_move(
            actor=request_user(request),
            task=task,
            status=request.POST.get("status", ""),
            position=int(position) if position.isdigit() else 0,
        )
    except ValidationError as error:
        if request.htmx or request.headers.get("X-Requested-With") == "fetch":  # type: ignore[attr-defined]
            return HttpResponse(" ".join(error.messages), status=422)
        messages.error(request, " ".join(error.messages))
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def task_dependency(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    """Make one task of the campaign wait for another; a loop is refused with the reason."""
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    task_id, other_id = request.POST.get("task", ""), request.POST.get("depends_on", "")
    try:
        if not (task_id.isdigit() and other_id.isdigit()):
            raise ValidationError({"depends_on": _("Choose two tasks.")})
        services.task_add_dependency(
            actor=request_user(request),
            task=selectors.task_of(request.membership, campaign, int(task_id)),
            depends_on=selectors.task_of(request.membership, campaign, int(other_id)),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dependency added."))
    return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def task_dependency_remove(request: WorkspaceRequest, campaign_id: int, task_id: int, depends_on_id: int) -> HttpResponse:
    """Let a task no longer wait for another one."""
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    task = selectors.task_of(request.membership, campaign, task_id)
    other = selectors.task_of(request.membership, campaign, depends_on_id)
    try:
        services.task_remove_dependency(actor=request_user(request), task=task, depends_on=other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dependency removed."))
    return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def task_checklist(request: WorkspaceRequest, campaign_id: int, task_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    task = selectors.task_of(request.membership, campaign, task_id)
    index = request.POST.get("index", "")
    try:
        services.task_checklist_toggle(actor=request_user(request), task=task, index=int(index) if index.isdigit() else -1)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)


@workspace_view(Action.CAMPAIGN_VIEW)
def task_timeline(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    tasks = sorted(
        selectors.campaign_tasks(request.membership, campaign),
        key=lambda t: (t.due_date is None, t.due_date or dt.date.max, t.pk),
    )
    weeks: dict[dt.date | None, list[Task]] = {}
    for task in tasks:
        weeks.setdefault(week_start(task.due_date) if task.due_date else None, []).append(task)
    gantt = gantt_bars((t.pk, t.due_date, t.estimate_hours) for t in tasks if t.due_date)
    bars = [(t, gantt[2][t.pk]) for t in tasks if gantt and t.pk in gantt[2]]
    return render(
        request,
        "campaigns/task_timeline.html",
        {"campaign": campaign, "weeks": list(weeks.items()), "gantt": gantt, "bars": bars},
    )


@workspace_view(Action.CAMPAIGN_VIEW)
def capacity(request: WorkspaceRequest) -> HttpResponse:
    rows = selectors.capacity_grid(request.membership, first_week=timezone.localdate())
    return render(
        request, "campaigns/capacity.html", {"rows": rows, "weeks": [cell[0] for cell in rows[0].weeks] if rows else []}
    )


@workspace_view(Action.CAMPAIGN_VIEW)
def capacity_hint(request: WorkspaceRequest) -> HttpResponse:
    """The htmx hint under the task form: the owner's load in the due week, with this task."""
    owner, due, hours = (
        request.GET.get("owner", ""),
        request.GET.get("due_date", ""),
        request.GET.get("estimate_hours", "") or "0",
    )
    try:
        hint = selectors.capacity_hint(
            request.membership,
            user_id=int(owner),
            due_date=dt.date.fromisoformat(due),
            extra_hours=services.normalize_amount_decimal(hours),
        )
    except (ValueError, ValidationError):
        hint = None
    return render(request, "campaigns/_capacity_hint.html", {"hint": hint})


@workspace_view(Action.CAMPAIGN_VIEW)
def playbooks(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's playbooks (launch and QA checklists, brand standards); managers add their own."""
    services.playbooks_ensure_builtin(request.workspace)
    if request.method == "POST":
        try:
            services.playbook_create(
                actor=request_user(request),
                workspace=request.workspace,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                items=request.POST.get("items", "").splitlines(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Playbook saved."))
        return redirect("campaigns:playbooks", slug=request.workspace.slug)
    return render(
        request,
        "campaigns/playbooks.html",
        {
            "playbooks": selectors.playbooks(request.membership),
            "kinds": Playbook.Kind.choices,
            "can_edit": can(request, Action.WORKFLOW_MANAGE),
            "roles": dict(Role.choices),
        },
    )


@require_POST
@workspace_view(Action.CAMPAIGN_VIEW)
def playbook_apply(request: WorkspaceRequest, campaign_id: int) -> HttpResponse:
    raw = request.POST.get("playbook", "")
    playbook = selectors.playbooks(request.membership).filter(pk=int(raw)).first() if raw.isdigit() else None
    if playbook is None:
        messages.error(request, _("Choose a playbook."))
        return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign_id)
    campaign = selectors.campaign_visible(request.membership, campaign_id)
    try:
        services.playbook_apply(actor=request_user(request), playbook=playbook, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” added to the action plan.") % {"name": playbook.name})
    return redirect("campaigns:task_board", slug=request.workspace.slug, campaign_id=campaign.pk)
