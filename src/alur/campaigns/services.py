"""Every write of campaigns: workflows and versions, campaigns and briefs, stage work, gates, budgets.

Each service asks the policy, runs in one transaction and appends an audit record. A campaign moves
only through its stage's gate; when it cannot, the ValidationError lists exactly what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.campaigns import selectors
from alur.campaigns.models import (
    BudgetIncreaseRequest,
    BudgetLine,
    Campaign,
    CampaignOutput,
    CampaignSettings,
    ChecklistMark,
    GateApproval,
    Initiative,
    Playbook,
    RaciAssignment,
    Risk,
    StageTransition,
    Task,
    WorkflowDefinition,
    WorkflowVersion,
)
from alur.campaigns.planning import creates_cycle
from alur.campaigns.prioritisation import RICE_IMPACTS, ice_score, rice_score
from alur.campaigns.templates_data import CHANNELS, brief_template
from alur.campaigns.workflow import DEFAULT_DEFINITION, DefinitionError, Missing, parse_workflow
from alur.core.audit import audit_record, snapshot
from alur.core.forms import read_number
from alur.core.models import AuditEvent
from alur.core.notifications import notify
from alur.core.policy import Action, decide, require
from alur.core.validation import refuse_nul_characters
from alur.strategy.models import KeyResult

BRIEF_FIELDS = (
    "smart_goal",
    "target_audience",
    "buyer_persona",
    "value_proposition",
    "key_message",
    "conversion_path",
    "call_to_action",
    "market_situation",
    "competitor_analysis",
    "target_market_analysis",
    "market_gap",
    "crisis_scenario",
    "asset_backup",
    "rollback_plan",
    "escalation_path",
)
CAMPAIGN_FIELDS = ("name", "owner", "start_date", "end_date", "channels", "is_shared_with_clients", *BRIEF_FIELDS)
MAX_BUDGET = Decimal("1e13")


# Workflows ---------------------------------------------------------------------------------------


def workflow_default(workspace: Workspace) -> WorkflowVersion:
    """The workspace's default workflow (seed 000's six stages), created on first use by the system."""
    with transaction.atomic():
        definition = WorkflowDefinition.objects.filter(workspace=workspace, is_default=True).first()
        if definition is None:
            definition = WorkflowDefinition.objects.create(
                workspace=workspace, name=_("Default campaign workflow"), is_default=True
            )
            version = WorkflowVersion.objects.create(
                workspace=workspace, definition=definition, number=1, spec=DEFAULT_DEFINITION
            )
            audit_record(
                actor=None,
                workspace=workspace,
                action="workflow.publish",
                obj=version,
                after={"name": definition.name, "number": 1},
            )
            return version
        return definition.latest_version()


def workflow_definition_create(*, actor: User, workspace: Workspace, name: str) -> WorkflowDefinition:
    """A new workflow (e.g. for one campaign type or account), starting as a copy of the default."""
    require(actor, membership_of(actor, workspace), Action.WORKFLOW_MANAGE)
    refuse_nul_characters(name=name)
    name = name.strip()
    if len(name) < 3:
        raise ValidationError({"name": _("Name the workflow, e.g. Influencer campaigns.")})
    default = workflow_default(workspace)
    with transaction.atomic():
        if WorkflowDefinition.objects.filter(workspace=workspace, name=name).exists():
            raise ValidationError({"name": _("There is already a workflow called %(name)s.") % {"name": name}})
        definition = WorkflowDefinition.objects.create(workspace=workspace, name=name[:80])
        version = WorkflowVersion.objects.create(
            workspace=workspace, definition=definition, number=1, spec=default.spec, created_by=actor
        )
        audit_record(
            actor=actor, workspace=workspace, action="workflow.publish", obj=version, after={"name": definition.name, "number": 1}
        )
    return definition


def workflow_version_publish(*, actor: User, definition: WorkflowDefinition, spec: Any) -> WorkflowVersion:
    """A new version of a definition. Campaigns already running keep the version they started with."""
    require(actor, membership_of(actor, definition.workspace), Action.WORKFLOW_MANAGE, definition)
    try:
        parse_workflow(spec)
    except DefinitionError as error:
        raise ValidationError({"spec": error.problems}) from None
    with transaction.atomic():
        latest = WorkflowVersion.objects.select_for_update().filter(definition=definition).order_by("-number").first()
        number = (latest.number if latest else 0) + 1
        version = WorkflowVersion.objects.create(
            workspace=definition.workspace, definition=definition, number=number, spec=spec, created_by=actor
        )
        audit_record(
            actor=actor,
            workspace=definition.workspace,
            action="workflow.publish",
            obj=version,
            after={"name": definition.name, "number": number},
        )
    return version


# Campaigns ---------------------------------------------------------------------------------------


def _clean_channels(channels: Any) -> list[str]:
    if not isinstance(channels, list | tuple) or any(channel not in CHANNELS for channel in channels):
        raise ValidationError({"channels": _("Choose channels from: %(channels)s.") % {"channels": ", ".join(CHANNELS)}})
    return list(dict.fromkeys(channels))


def _check_campaign(campaign: Campaign) -> None:
    refuse_nul_characters(**{field: getattr(campaign, field) for field in ("name", *BRIEF_FIELDS)})
    if len(campaign.name.strip()) < 3:
        raise ValidationError({"name": _("Name the campaign, e.g. Ramadan 2027 Gift Boxes.")})
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise ValidationError({"end_date": _("The campaign must end on or after its start.")})
    if not Membership.objects.filter(workspace_id=campaign.workspace_id, user_id=campaign.owner_id).exists():
        raise ValidationError({"owner": _("Choose a member of this workspace.")})


def campaign_create(
    *,
    actor: User,
    workspace: Workspace,
    name: str,
    owner: User,
    template_key: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    workflow: WorkflowDefinition | None = None,
) -> Campaign:
    """A campaign on the latest version of ``workflow`` (the default when not given), in its first
    stage, its brief prefilled from a template."""
    require(actor, membership_of(actor, workspace), Action.CAMPAIGN_MANAGE)
    template = brief_template(template_key) if template_key else None
    if template_key and template is None:
        raise ValidationError({"template": _("There is no brief template called %(key)s.") % {"key": template_key}})
    if workflow is not None and workflow.workspace_id != workspace.pk:
        raise ValidationError({"workflow": _("Choose a workflow of this workspace.")})
    version = workflow.latest_version() if workflow is not None else workflow_default(workspace)
    campaign = Campaign(
        workspace=workspace,
        name=name.strip()[:150],
        workflow_version=version,
        stage_key=version.workflow.stages[0].key,
        owner=owner,
        created_by=actor,
        start_date=start_date,
        end_date=end_date,
    )
    if template is not None:
        for field, text in template.brief(workspace.language or get_language()).items():
            setattr(campaign, field, text)
        campaign.channels = list(template.channels)
    _check_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        audit_record(
            actor=actor, workspace=workspace, action="campaign.create", obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS)
        )
    return campaign


def campaign_update(*, actor: User, campaign: Campaign, key_result_ids: list[int] | None = None, **changes: Any) -> Campaign:
    """Change the brief, dates, owner, channels or sharing; optionally set the KPIs (key results) it serves."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "channels" in changes:
        changes["channels"] = _clean_channels(changes["channels"])
    key_results: list[KeyResult] | None = None
    if key_result_ids is not None:
        key_results = list(KeyResult.objects.filter(workspace=campaign.workspace, pk__in=key_result_ids))
        if len(key_results) != len(set(key_result_ids)):
            raise ValidationError({"key_results": _("Choose key results of this workspace.")})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = snapshot(locked, CAMPAIGN_FIELDS)
        before["key_results"] = sorted(locked.key_results.values_list("pk", flat=True))
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        _check_campaign(locked)
        locked.save()
        if key_results is not None:
            locked.key_results.set(key_results)
        after = snapshot(locked, CAMPAIGN_FIELDS)
        after["key_results"] = sorted(locked.key_results.values_list("pk", flat=True))
        audit_record(actor=actor, workspace=locked.workspace, action="campaign.update", obj=locked, before=before, after=after)
    return locked


def _stage_of(campaign: Campaign, stage_key: str) -> Any:
    try:
        return campaign.workflow_version.workflow.stage(stage_key)
    except KeyError:
        raise ValidationError({"stage": _("This workflow has no stage %(stage)s.") % {"stage": stage_key}}) from None


def output_save(
    *, actor: User, campaign: Campaign, stage_key: str, output_key: str, content: str, link: str = ""
) -> CampaignOutput:
    """Write (or link) one of a stage's required documents."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_STAGE_WORK, campaign)
    refuse_nul_characters(content=content, link=link)
    stage = _stage_of(campaign, stage_key)
    if output_key not in {item.key for item in stage.outputs}:
        raise ValidationError({"output": _("This stage has no output %(output)s.") % {"output": output_key}})
    if link:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError({"link": _("Give a full web address starting with https://.")}) from None
    with transaction.atomic():
        output, _created = CampaignOutput.objects.update_or_create(
            campaign=campaign,
            stage_key=stage_key,
            output_key=output_key,
            defaults={
                "workspace": campaign.workspace,
                "content": content.strip(),
                "link": link.strip(),
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.output",
            obj=campaign,
            after={"stage": stage_key, "output": output_key, "content": output.content[:500], "link": output.link},
        )
    return output


def checklist_mark(*, actor: User, campaign: Campaign, stage_key: str, item_key: str, is_done: bool) -> None:
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_STAGE_WORK, campaign)
    stage = _stage_of(campaign, stage_key)
    if item_key not in {item.key for item in stage.checklist}:
        raise ValidationError({"item": _("This stage has no checklist item %(item)s.") % {"item": item_key}})
    with transaction.atomic():
        if is_done:
            ChecklistMark.objects.get_or_create(
                campaign=campaign,
                stage_key=stage_key,
                item_key=item_key,
                defaults={"workspace": campaign.workspace, "marked_by": actor},
            )
        else:
            ChecklistMark.objects.filter(campaign=campaign, stage_key=stage_key, item_key=item_key).delete()
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.checklist",
            obj=campaign,
            after={"stage": stage_key, "item": item_key, "done": is_done},
        )


def normalize_amount_decimal(text: str) -> Decimal:
    """An amount typed by a person, as a Decimal read in the active language (see :func:`_parse_amount`);
    ValidationError if not a number."""
    return _parse_amount(text, "amount", money=False)


def _parse_amount(value: Any, field: str, workspace: Workspace | None = None, *, money: bool = True) -> Decimal:
    """An amount as the workspace writes numbers ("1.500.000,50" or "1,500,000.50"; "15.000" by the
    workspace language), read by the product's one reader. ``money``: the amount is in the workspace
    currency; in one without minor units (rupiah) "15.000" is always 15000, never three decimals."""
    language = workspace.language if workspace is not None else None
    currency = workspace.currency if workspace is not None and money else None
    amount = read_number(value, field=field, language=language, currency=currency)
    if amount < 0:
        raise ValidationError({field: _("An amount is zero or more.")})
    if amount >= MAX_BUDGET:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def budget_line_set(
    *, actor: User, campaign: Campaign, channel: str, month: dt.date, planned: Any, actual: Any = None
) -> BudgetLine | BudgetIncreaseRequest:
    """Plan (and, until imports exist, record the actual) spend of one channel in one month, in the
    workspace currency. An actual of ``None`` keeps what is there; this is the seam the measurement
    imports will fill.

    Once the plan is approved, raising a line by more than the workspace threshold does not change it:
    it becomes a request for the person accountable for the budget (returned instead of the line)."""
    require(actor, membership_of(actor, campaign.workspace), Action.BUDGET_MANAGE, campaign)
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("Choose channels from: %(channels)s.") % {"channels": ", ".join(CHANNELS)}})
    first_of_month = month.replace(day=1)
    planned_amount = _parse_amount(planned, "planned", campaign.workspace)
    actual_amount = _parse_amount(actual, "actual", campaign.workspace) if actual not in (None, "") else None
    threshold = selectors.campaign_settings(campaign.workspace).spend_approval_threshold
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().filter(campaign=campaign, channel=channel, month=first_of_month).first()
        current = line.planned if line is not None else Decimal(0)
        if selectors.is_plan_approved(campaign) and planned_amount - current > threshold:
            request = BudgetIncreaseRequest.objects.create(
                workspace=campaign.workspace,
                campaign=campaign,
                channel=channel,
                month=first_of_month,
                current_planned=current,
                requested_planned=planned_amount,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                workspace=campaign.workspace,
                action="campaign.budget_increase_request",
                obj=campaign,
                after={"channel": channel, "month": first_of_month.isoformat(), "from": str(current), "to": str(planned_amount)},
            )
            return request
        before = {"planned": str(line.planned), "actual": str(line.actual)} if line else None
        if line is None:
            line = BudgetLine(
                workspace=campaign.workspace, campaign=campaign, channel=channel, month=first_of_month, planned=planned_amount
            )
        line.planned = planned_amount
        if actual_amount is not None:
            line.actual = actual_amount
        line.save()
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.budget",
            obj=campaign,
            before=before,
            after={
                "channel": channel,
                "month": first_of_month.isoformat(),
                "planned": str(line.planned),
                "actual": str(line.actual),
            },
        )
    return line


def budget_increase_decide(
    *, actor: User, request: BudgetIncreaseRequest, is_approved: bool, comment: str = ""
) -> BudgetIncreaseRequest:
    """The person accountable for the budget decides: the Accountable of the planning stage when the
    RACI names one, otherwise a manager. Nobody decides on their own request. A comment is kept in the audit log."""
    refuse_nul_characters(comment=comment)
    campaign = request.campaign
    accountable = RaciAssignment.objects.filter(
        campaign=campaign, stage_key="planning", letter=RaciAssignment.Letter.ACCOUNTABLE
    ).first()
    if accountable is not None:
        require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_VIEW, campaign)
        if accountable.user_id != actor.pk:
            raise PermissionDenied(
                _("%(name)s is accountable for the budget; only they can decide.") % {"name": accountable.user.display_name}
            )
        if request.created_by_id == actor.pk:
            raise PermissionDenied(_("You created this yourself; someone else has to do this."))
    else:
        require(actor, membership_of(actor, campaign.workspace), Action.BUDGET_APPROVE_SPEND, request)
    with transaction.atomic():
        locked = BudgetIncreaseRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != BudgetIncreaseRequest.State.PENDING:
            raise ValidationError({"request": _("This request has already been decided.")})
        locked.state = BudgetIncreaseRequest.State.APPROVED if is_approved else BudgetIncreaseRequest.State.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        if is_approved:
            line, _created = BudgetLine.objects.get_or_create(
                campaign=campaign,
                channel=locked.channel,
                month=locked.month,
                defaults={"workspace": campaign.workspace, "planned": locked.requested_planned},
            )
            line.planned = locked.requested_planned
            line.save(update_fields=["planned"])
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.budget_increase_approve" if is_approved else "campaign.budget_increase_reject",
            obj=campaign,
            after={
                "channel": locked.channel,
                "month": locked.month.isoformat(),
                "to": str(locked.requested_planned),
                **({"comment": comment.strip()} if comment.strip() else {}),
            },
        )
    return locked


def budget_actuals_record_automatic(*, workspace: Workspace, actuals: Mapping[tuple[int, str, dt.date], Decimal]) -> int:
    """Actual spend from imported data (the system acts, not a person). ``actuals`` maps (campaign id, channel,
    first day of the month) to the amount spent in the workspace currency; each budget line of the workspace
    with an entry takes that amount, to the cent. A line without an entry keeps its actual, no line is
    created, and the plan stays the person's. One transaction; one audit record per line that changed, with
    its actual before and after. Returns how many lines changed."""
    if not actuals:
        return 0
    changed = 0
    with transaction.atomic():
        lines = (
            BudgetLine.objects.select_for_update(of=("self",))
            .filter(workspace=workspace, campaign_id__in={campaign_id for campaign_id, _channel, _month in actuals})
            .select_related("campaign")
            .order_by("pk")
        )
        for line in lines:
            amount = actuals.get((line.campaign_id, line.channel, line.month))
            if amount is None or line.actual == amount.quantize(Decimal("0.01")):
                continue
            before = line.actual
            line.actual = amount.quantize(Decimal("0.01"))
            line.save(update_fields=["actual"])
            where = {"channel": line.channel, "month": line.month.isoformat()}
            audit_record(
                actor=None,
                workspace=workspace,
                action="campaign.budget_actual",
                obj=line.campaign,
                before={**where, "actual": None if before is None else str(before)},
                after={**where, "actual": str(line.actual)},
            )
            changed += 1
    return changed


def campaign_settings_update(
    *, actor: User, workspace: Workspace, spend_approval_threshold: Any = None, launch_readiness_threshold: Any = None
) -> CampaignSettings:
    """Change the workspace's campaign rules; a value left as ``None`` keeps what is there."""
    require(actor, membership_of(actor, workspace), Action.WORKSPACE_UPDATE)
    values = (("spend_approval_threshold", spend_approval_threshold), ("launch_readiness_threshold", launch_readiness_threshold))
    changes = {field: _parse_amount(value, field, workspace) for field, value in values if value not in (None, "")}
    fields = ("spend_approval_threshold", "launch_readiness_threshold")
    with transaction.atomic():
        settings_row, _created = CampaignSettings.objects.select_for_update().get_or_create(workspace=workspace)
        before = {field: str(getattr(settings_row, field)) for field in fields}
        for field, value in changes.items():
            setattr(settings_row, field, value)
        settings_row.save()
        after = {field: str(getattr(settings_row, field)) for field in fields}
        audit_record(actor=actor, workspace=workspace, action="campaign.settings", obj=settings_row, before=before, after=after)
    return settings_row


# RACI --------------------------------------------------------------------------------------------


def raci_set(*, actor: User, campaign: Campaign, stage_key: str, user: User, letter: str) -> RaciAssignment | None:
    """Give a member a RACI letter for a stage ("" removes it). Setting a new Accountable person
    replaces the previous one: a stage has one."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    _stage_of(campaign, stage_key)
    if letter not in ("", *RaciAssignment.Letter.values):
        raise ValidationError({"letter": _("Choose R, A, C or I.")})
    if not Membership.objects.filter(workspace=campaign.workspace, user=user).exists():
        raise ValidationError({"user": _("Choose a member of this workspace.")})
    with transaction.atomic():
        existing = RaciAssignment.objects.select_for_update().filter(campaign=campaign, stage_key=stage_key, user=user).first()
        before = {"letter": existing.letter} if existing else None
        if letter == "":
            if existing is not None:
                existing.delete()
            assignment = None
        else:
            if letter == RaciAssignment.Letter.ACCOUNTABLE:
                RaciAssignment.objects.filter(campaign=campaign, stage_key=stage_key, letter=letter).exclude(user=user).delete()
            assignment, _created = RaciAssignment.objects.update_or_create(
                campaign=campaign, stage_key=stage_key, user=user, defaults={"workspace": campaign.workspace, "letter": letter}
            )
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.raci",
            obj=campaign,
            before=before,
            after={"stage": stage_key, "user": user.email, "letter": letter},
        )
    return assignment


def _require_accountable(actor: User, campaign: Campaign) -> None:
    """When a stage has an Accountable person, only they pass its gate."""
    accountable = RaciAssignment.objects.filter(
        campaign=campaign, stage_key=campaign.stage_key, letter=RaciAssignment.Letter.ACCOUNTABLE
    ).first()
    if accountable is not None and accountable.user_id != actor.pk:
        raise PermissionDenied(
            _("%(name)s is accountable for this stage; only they can move the campaign on.")
            % {"name": accountable.user.display_name}
        )


# Gates -------------------------------------------------------------------------------------------


def _missing_error(missing: list[Missing]) -> ValidationError:
    labels = {
        "output": _("write the output “%(name)s”"),
        "checklist": _("tick “%(name)s”"),
        "approval": _("get the approval of the accountable manager for “%(name)s”"),
        "kpi_review": _("record the “KPI achieved?” review"),
        "launch_readiness": _(
            "complete launch readiness (risk register, crisis scenario, asset backup, rollback plan): "
            "the budget is above the threshold"
        ),
    }
    parts = [labels[item.kind] % {"name": item.name} for item in missing]
    return ValidationError({"gate": _("The campaign cannot leave this stage yet: %(missing)s.") % {"missing": "; ".join(parts)}})


def approval_request(*, actor: User, campaign: Campaign) -> Campaign:
    """Submit the stage for its gate approval (e.g. the plan for management approval). Everything else
    the gate needs must be done first."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    stage = _stage_of(campaign, campaign.stage_key)
    if not stage.needs_approval:
        raise ValidationError({"gate": _("This stage needs no approval; advance it when its gate is complete.")})
    missing = [item for item in selectors.gate_missing_items(campaign) if item.kind != "approval"]
    if missing:
        raise _missing_error(missing)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        locked.awaiting_approval_stage = locked.stage_key
        locked.save(update_fields=["awaiting_approval_stage"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="campaign.approval_request",
            obj=locked,
            after={"stage": locked.stage_key},
        )
        _notify_plan_approvers(actor, locked)
    return locked


def _notify_plan_approvers(actor: User, campaign: Campaign) -> None:
    """Tell everyone the policy lets approve this plan (never the submitter, never its creator) that it waits.
    One notice per decision round: submitting again while it waits adds none."""
    from django.urls import reverse

    approvers = [
        member.user
        for member in Membership.objects.filter(workspace=campaign.workspace).select_related("user")
        if member.user_id != actor.pk and decide(member.user, member, Action.CAMPAIGN_APPROVE_PLAN, campaign)
    ]
    rounds = GateApproval.objects.filter(campaign=campaign, stage_key=campaign.stage_key).count()
    notify(
        workspace=campaign.workspace,
        recipients=approvers,
        kind="plan_approval_requested",
        message=_("The plan of “%(campaign)s” is waiting for your approval.") % {"campaign": campaign.name},
        url=reverse("campaigns:campaign_detail", args=[campaign.workspace.slug, campaign.pk]),
        dedupe_key=f"plan:{campaign.pk}:{campaign.stage_key}:{rounds}",
    )


def approval_decide(*, actor: User, campaign: Campaign, is_approved: bool, comment: str = "") -> GateApproval:
    """The accountable manager approves the stage's gate or sends it back with a reason. Whoever
    created the campaign cannot approve its plan."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_APPROVE_PLAN, campaign)
    refuse_nul_characters(comment=comment)
    if not is_approved and len(comment.strip()) < 5:
        raise ValidationError({"comment": _("Say why the plan is sent back, so the team can fix it.")})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.awaiting_approval_stage != locked.stage_key:
            raise ValidationError({"gate": _("Nothing is waiting for approval in this stage.")})
        approval = GateApproval.objects.create(
            workspace=locked.workspace,
            campaign=locked,
            stage_key=locked.stage_key,
            decision=GateApproval.Decision.APPROVED if is_approved else GateApproval.Decision.REJECTED,
            comment=comment.strip(),
            decided_by=actor,
        )
        locked.awaiting_approval_stage = ""
        locked.save(update_fields=["awaiting_approval_stage"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="campaign.approve" if is_approved else "campaign.send_back",
            obj=locked,
            after={"stage": locked.stage_key, "comment": approval.comment},
        )
        _notify_plan_decided(actor, locked, approval)
    return approval


def _notify_plan_decided(actor: User, campaign: Campaign, approval: GateApproval) -> None:
    """Tell whoever submitted the plan, and the campaign's owner, how it was decided."""
    from django.urls import reverse

    request = (
        AuditEvent.objects.filter(workspace=campaign.workspace, action="campaign.approval_request", object_id=str(campaign.pk))
        .order_by("-created_at", "-pk")
        .select_related("actor")
        .first()
    )
    recipients = [user for user in (request.actor if request else None, campaign.owner) if user and user.pk != actor.pk]
    if approval.decision == GateApproval.Decision.APPROVED:
        message = _("The plan of “%(campaign)s” was approved.") % {"campaign": campaign.name}
    else:
        message = _("The plan of “%(campaign)s” was sent back: %(comment)s") % {
            "campaign": campaign.name,
            "comment": approval.comment,
        }
    notify(
        workspace=campaign.workspace,
        recipients=recipients,
        kind="plan_decided",
        message=message,
        url=reverse("campaigns:campaign_detail", args=[campaign.workspace.slug, campaign.pk]),
        dedupe_key=f"plan-decided:{approval.pk}",
    )


def _move(actor: User, campaign: Campaign, kind: str, *, problem: str = "", optimisation: str = "") -> Campaign:
    workflow = campaign.workflow_version.workflow
    following = workflow.next_stage(campaign.stage_key)
    from_stage = campaign.stage_key
    if following is None:
        campaign.status = Campaign.Status.COMPLETED
        to_stage = from_stage
    else:
        campaign.stage_key = to_stage = following.key
    campaign.save(update_fields=["stage_key", "status"])
    StageTransition.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        problem=problem,
        optimisation=optimisation,
        actor=actor,
    )
    audit_record(
        actor=actor,
        workspace=campaign.workspace,
        action="campaign.advance",
        obj=campaign,
        before={"stage": from_stage},
        after={"stage": to_stage, "status": campaign.status},
    )
    return campaign


def campaign_advance(*, actor: User, campaign: Campaign) -> Campaign:
    """Leave the current stage through its gate; refused with the list of what is missing."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("workflow_version", "workspace").get(pk=campaign.pk)
        if locked.status == Campaign.Status.COMPLETED:
            raise ValidationError({"gate": _("The campaign is completed.")})
        _require_accountable(actor, locked)
        missing = selectors.gate_missing_items(locked)
        if missing:
            raise _missing_error(missing)
        return _move(actor, locked, StageTransition.Kind.ADVANCE)


def kpi_review(*, actor: User, campaign: Campaign, is_achieved: bool, problem: str = "", optimisation: str = "") -> Campaign:
    """Seed 001's phase-3 question. Achieved: on to reporting (if the rest of the gate is done). Not
    achieved: record the problem and the optimised strategy, and analyse again; each loop is kept."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    refuse_nul_characters(problem=problem, optimisation=optimisation)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("workflow_version", "workspace").get(pk=campaign.pk)
        stage = _stage_of(locked, locked.stage_key)
        if not stage.kpi_review:
            raise ValidationError({"gate": _("This stage has no “KPI achieved?” review.")})
        if is_achieved:
            _require_accountable(actor, locked)
            missing = [item for item in selectors.gate_missing_items(locked) if item.kind != "kpi_review"]
            if missing:
                raise _missing_error(missing)
            return _move(actor, locked, StageTransition.Kind.KPI_ACHIEVED)
        errors = {}
        if len(problem.strip()) < 5:
            errors["problem"] = _("Describe the problem you identified.")
        if len(optimisation.strip()) < 5:
            errors["optimisation"] = _("Describe how the strategy is optimised.")
        if errors:
            raise ValidationError(errors)
        StageTransition.objects.create(
            workspace=locked.workspace,
            campaign=locked,
            kind=StageTransition.Kind.KPI_LOOP,
            from_stage=locked.stage_key,
            to_stage=locked.stage_key,
            problem=problem.strip(),
            optimisation=optimisation.strip(),
            actor=actor,
        )
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="campaign.kpi_loop",
            obj=locked,
            after={"problem": problem.strip(), "optimisation": optimisation.strip()},
        )
        return locked


# Prioritisation ----------------------------------------------------------------------------------


def _whole(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}}) from None
    if not low <= number <= high:
        raise ValidationError({field: _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return number


def initiative_create(
    *,
    actor: User,
    workspace: Workspace,
    title: str,
    reach: Any,
    impact: Any,
    confidence_percent: Any,
    effort_weeks: Any,
    ice_impact: Any,
    ice_confidence: Any,
    ice_ease: Any,
    description: str = "",
    campaign: Campaign | None = None,
) -> Initiative:
    """An initiative with its RICE and ICE scores (see :mod:`alur.campaigns.prioritisation`)."""
    require(actor, membership_of(actor, workspace), Action.CAMPAIGN_MANAGE)
    refuse_nul_characters(title=title, description=description)
    if len(title.strip()) < 3:
        raise ValidationError({"title": _("Name the initiative, e.g. TikTok creator program in Surabaya.")})
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise ValidationError({"campaign": _("Choose a campaign of this workspace.")})
    impact_value = _parse_amount(impact, "impact", workspace, money=False)
    if impact_value not in RICE_IMPACTS:
        raise ValidationError({"impact": _("Impact is one of 0.25 (minimal), 0.5 (low), 1 (medium), 2 (high) or 3 (massive).")})
    effort = _parse_amount(effort_weeks, "effort_weeks", workspace, money=False)
    if effort <= 0:
        raise ValidationError({"effort_weeks": _("Effort is more than zero person-weeks.")})
    values = {
        "reach": _whole(reach, "reach", 0, 10**9),
        "confidence_percent": _whole(confidence_percent, "confidence_percent", 0, 100),
        "ice_impact": _whole(ice_impact, "ice_impact", 1, 10),
        "ice_confidence": _whole(ice_confidence, "ice_confidence", 1, 10),
        "ice_ease": _whole(ice_ease, "ice_ease", 1, 10),
    }
    initiative = Initiative(
        workspace=workspace,
        title=title.strip()[:200],
        description=description.strip(),
        campaign=campaign,
        impact=impact_value,
        effort_weeks=effort,
        rice=rice_score(
            reach=values["reach"], impact=impact_value, confidence_percent=values["confidence_percent"], effort_weeks=effort
        ),
        ice=ice_score(impact=values["ice_impact"], confidence=values["ice_confidence"], ease=values["ice_ease"]),
        created_by=actor,
        **values,
    )
    with transaction.atomic():
        initiative.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="initiative.create",
            obj=initiative,
            after={"title": initiative.title, "rice": str(initiative.rice), "ice": initiative.ice},
        )
    return initiative


# Launch readiness --------------------------------------------------------------------------------


def risk_add(*, actor: User, campaign: Campaign, risk: str, likelihood: Any, impact: Any, mitigation: str, owner: User) -> Risk:
    """A line of the risk register: the risk, its likelihood and impact (1–5 each), the mitigation, an owner."""
    require(actor, membership_of(actor, campaign.workspace), Action.CAMPAIGN_MANAGE, campaign)
    refuse_nul_characters(risk=risk, mitigation=mitigation)
    errors = {}
    if len(risk.strip()) < 5:
        errors["risk"] = _("Describe the risk, e.g. the influencer posts before the launch date.")
    if len(mitigation.strip()) < 5:
        errors["mitigation"] = _("Describe how the risk is reduced or handled.")
    if errors:
        raise ValidationError(errors)
    levels = {"likelihood": _whole(likelihood, "likelihood", 1, 5), "impact": _whole(impact, "impact", 1, 5)}
    if not Membership.objects.filter(workspace=campaign.workspace, user=owner).exists():
        raise ValidationError({"owner": _("Choose a member of this workspace.")})
    with transaction.atomic():
        row = Risk.objects.create(
            workspace=campaign.workspace,
            campaign=campaign,
            risk=risk.strip()[:200],
            mitigation=mitigation.strip(),
            owner=owner,
            **levels,
        )
        audit_record(
            actor=actor,
            workspace=campaign.workspace,
            action="campaign.risk",
            obj=campaign,
            after={"risk": row.risk, "likelihood": row.likelihood, "impact": row.impact, "owner": owner.email},
        )
    return row


# Action plan -------------------------------------------------------------------------------------

TASK_FIELDS = ("title", "owner", "estimate_hours", "due_date", "status")


def _check_task_owner(campaign: Campaign, owner: User) -> None:
    if not Membership.objects.filter(workspace=campaign.workspace, user=owner).exists():
        raise ValidationError({"owner": _("Choose a member of this workspace.")})


def task_create(
    *,
    actor: User,
    campaign: Campaign,
    title: str,
    owner: User,
    estimate_hours: Any,
    due_date: dt.date | None = None,
    checklist: list[str] | None = None,
) -> Task:
    """A task of the campaign's action plan, with its estimate (which capacity planning counts)."""
    require(actor, membership_of(actor, campaign.workspace), Action.TASK_MANAGE, campaign)
    refuse_nul_characters(title=title, **{f"checklist_{i}": text for i, text in enumerate(checklist or [])})
    if len(title.strip()) < 3:
        raise ValidationError({"title": _("Name the task, e.g. Write the launch email.")})
    hours = _parse_amount(estimate_hours, "estimate_hours", campaign.workspace, money=False)
    if hours > 1000:
        raise ValidationError({"estimate_hours": _("An estimate is at most 1000 hours; split bigger work into tasks.")})
    _check_task_owner(campaign, owner)
    items = [{"text": text.strip()[:200], "done": False} for text in (checklist or []) if text.strip()]
    with transaction.atomic():
        position = Task.objects.filter(campaign=campaign, status=Task.Status.TODO).count()
        task = Task.objects.create(
            workspace=campaign.workspace,
            campaign=campaign,
            title=title.strip()[:200],
            owner=owner,
            estimate_hours=hours,
            due_date=due_date,
            checklist=items,
            position=position,
            created_by=actor,
        )
        audit_record(actor=actor, workspace=campaign.workspace, action="task.create", obj=task, after=snapshot(task, TASK_FIELDS))
    return task


def task_move(*, actor: User, task: Task, status: str, position: int = 0) -> Task:
    """Move a card on the kanban board. Its owner may move it too; a task cannot be done while a task it
    depends on is not."""
    require(actor, membership_of(actor, task.workspace), Action.TASK_UPDATE, task)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Choose a column of the board.")})
    if status == Task.Status.DONE:
        blocking = [t.title for t in task.depends_on.exclude(status=Task.Status.DONE)]
        if blocking:
            raise ValidationError({"status": _("Finish first: %(tasks)s.") % {"tasks": "; ".join(blocking)}})
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        before = snapshot(locked, TASK_FIELDS)
        siblings = list(
            Task.objects.filter(campaign=locked.campaign, status=status).exclude(pk=locked.pk).order_by("position", "id")
        )
        position = max(0, min(position, len(siblings)))
        siblings.insert(position, locked)
        locked.status = status
        for index, item in enumerate(siblings):
            if item.pk == locked.pk:
                locked.position = index
            elif item.position != index:
                Task.objects.filter(pk=item.pk).update(position=index)
        locked.save(update_fields=["status", "position"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="task.move",
            obj=locked,
            before=before,
            after=snapshot(locked, TASK_FIELDS),
        )
    return locked


def task_add_dependency(*, actor: User, task: Task, depends_on: Task) -> Task:
    """``task`` can start only after ``depends_on``; a dependency that would close a loop is refused."""
    require(actor, membership_of(actor, task.workspace), Action.TASK_MANAGE, task)
    if depends_on.campaign_id != task.campaign_id:
        raise ValidationError({"depends_on": _("A task can depend only on tasks of the same campaign.")})
    with transaction.atomic():
        edges = list(
            Task.depends_on.through.objects.filter(from_task__campaign=task.campaign).values_list("from_task_id", "to_task_id")
        )
        if creates_cycle(edges, task.pk, depends_on.pk):
            raise ValidationError(
                {
                    "depends_on": _("“%(task)s” already leads to “%(other)s”: this dependency would make a loop.")
                    % {"task": depends_on.title, "other": task.title}
                }
            )
        task.depends_on.add(depends_on)
        audit_record(
            actor=actor,
            workspace=task.workspace,
            action="task.dependency",
            obj=task,
            after={"depends_on": depends_on.pk, "title": depends_on.title},
        )
    return task


def task_remove_dependency(*, actor: User, task: Task, depends_on: Task) -> Task:
    """``task`` no longer waits for ``depends_on``; removing a dependency that does not exist is refused."""
    require(actor, membership_of(actor, task.workspace), Action.TASK_MANAGE, task)
    with transaction.atomic():
        removed, _rows = Task.depends_on.through.objects.filter(from_task=task, to_task=depends_on).delete()
        if not removed:
            raise ValidationError(
                {"depends_on": _("“%(task)s” does not wait for “%(other)s”.") % {"task": task.title, "other": depends_on.title}}
            )
        audit_record(
            actor=actor,
            workspace=task.workspace,
            action="task.dependency_remove",
            obj=task,
            before={"depends_on": depends_on.pk, "title": depends_on.title},
        )
    return task


def task_checklist_toggle(*, actor: User, task: Task, index: int) -> Task:
    require(actor, membership_of(actor, task.workspace), Action.TASK_UPDATE, task)
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if not 0 <= index < len(locked.checklist):
            raise ValidationError({"checklist": _("This task has no such checklist item.")})
        items = [dict(item) for item in locked.checklist]
        items[index]["done"] = not items[index]["done"]
        locked.checklist = items
        locked.save(update_fields=["checklist"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="task.checklist",
            obj=locked,
            after={"item": items[index]["text"], "done": items[index]["done"]},
        )
    return locked


# Playbooks ---------------------------------------------------------------------------------------


def playbooks_ensure_builtin(workspace: Workspace) -> None:
    """Offer the built-in playbooks in the workspace's language, once."""
    from alur.campaigns.templates_data import PLAYBOOKS

    language = workspace.language if workspace.language in ("id", "en") else "en"
    with transaction.atomic():
        for builtin in PLAYBOOKS:
            name = builtin["names"][language]
            if not Playbook.objects.filter(workspace=workspace, name=name).exists():
                Playbook.objects.create(
                    workspace=workspace, name=name, kind=builtin["kind"], items=list(builtin["items"][language])
                )


def playbook_create(*, actor: User, workspace: Workspace, name: str, kind: str, items: list[str]) -> Playbook:
    require(actor, membership_of(actor, workspace), Action.WORKFLOW_MANAGE)
    refuse_nul_characters(name=name, **{f"item_{i}": text for i, text in enumerate(items)})
    lines = [text.strip()[:200] for text in items if text.strip()]
    errors = {}
    if len(name.strip()) < 3:
        errors["name"] = _("Name the playbook, e.g. TikTok launch checklist.")
    if kind not in Playbook.Kind.values:
        errors["kind"] = _("Choose the kind of playbook.")
    if not lines:
        errors["items"] = _("Write at least one item, one per line.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Playbook.objects.filter(workspace=workspace, name=name.strip()).exists():
            raise ValidationError({"name": _("There is already a playbook called %(name)s.") % {"name": name.strip()}})
        playbook = Playbook.objects.create(workspace=workspace, name=name.strip()[:120], kind=kind, items=lines, created_by=actor)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="playbook.create",
            obj=playbook,
            after={"name": playbook.name, "items": lines},
        )
    return playbook


def playbook_apply(*, actor: User, playbook: Playbook, campaign: Campaign) -> Task:
    """Instantiate a playbook into a campaign: a task for the campaign's owner, its items as the checklist."""
    if playbook.workspace_id != campaign.workspace_id:
        raise ValidationError({"playbook": _("Choose a playbook of this workspace.")})
    task = task_create(
        actor=actor,
        campaign=campaign,
        title=playbook.name,
        owner=campaign.owner,
        estimate_hours=max(1, len(playbook.items)),
        due_date=campaign.start_date,
        checklist=list(playbook.items),
    )
    audit_record(
        actor=actor,
        workspace=campaign.workspace,
        action="playbook.apply",
        obj=campaign,
        after={"playbook": playbook.name, "task": task.pk},
    )
    return task
