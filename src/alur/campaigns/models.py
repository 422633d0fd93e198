"""Campaigns: workflow definitions and their versions, campaigns with their brief, stage progress
(outputs, checklist marks, gate approvals, transitions, KPI reviews) and budget lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alur.campaigns.workflow import Workflow, parse_workflow


class WorkflowDefinition(models.Model):
    """A named workflow of a workspace, e.g. the default, or one per campaign type or account."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    is_default = models.BooleanField(_("default for new campaigns"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="workflow_unique_name")]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> WorkflowVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class WorkflowVersion(models.Model):
    """An immutable version of a definition. A campaign keeps the version it started with."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    spec = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [models.UniqueConstraint(fields=["definition", "number"], name="workflow_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.definition.name} v{self.number}"

    @property
    def workflow(self) -> Workflow:
        return parse_workflow(self.spec)


class Campaign(models.Model):
    """A campaign with its brief (seed 002's planning elements) and its place in the workflow."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    workflow_version = models.ForeignKey(WorkflowVersion, on_delete=models.PROTECT, related_name="campaigns")
    stage_key = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    awaiting_approval_stage = models.CharField(max_length=40, blank=True, help_text="Set while a gate waits for its approval.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_shared_with_clients = models.BooleanField(_("shared with clients"), default=False)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    # The brief
    smart_goal = models.TextField(_("SMART goal"), blank=True)
    target_audience = models.TextField(_("target audience"), blank=True)
    buyer_persona = models.TextField(_("buyer persona"), blank=True)
    value_proposition = models.TextField(_("value proposition"), blank=True)
    key_message = models.TextField(_("key message"), blank=True)
    conversion_path = models.TextField(_("conversion path"), blank=True)
    call_to_action = models.CharField(_("call to action"), max_length=200, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    # Discovery
    market_situation = models.TextField(_("market situation"), blank=True)
    competitor_analysis = models.TextField(_("competitor analysis"), blank=True)
    target_market_analysis = models.TextField(_("target-market analysis"), blank=True)
    market_gap = models.TextField(_("market gap"), blank=True)
    # Launch readiness (seed 002), required to go live above the workspace's budget threshold
    crisis_scenario = models.TextField(_("crisis scenario"), blank=True)
    asset_backup = models.TextField(_("asset backup"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    escalation_path = models.TextField(_("escalation path"), blank=True)
    key_results = models.ManyToManyField(
        "strategy.KeyResult", blank=True, related_name="campaigns", verbose_name=_("KPIs (key results)")
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_shared_with(self, user: Any) -> bool:
        return self.is_shared_with_clients

    def is_assigned_to(self, user: Any) -> bool:
        return self.owner_id == user.pk


class CampaignOutput(models.Model):
    """A stage's required document (e.g. the buyer persona), written in Alur or linked."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outputs")
    stage_key = models.CharField(max_length=40)
    output_key = models.CharField(max_length=40)
    content = models.TextField(_("content"), blank=True)
    link = models.URLField(_("link"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "stage_key", "output_key"], name="campaign_output_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.stage_key} / {self.output_key}"


class ChecklistMark(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checklist_marks")
    stage_key = models.CharField(max_length=40)
    item_key = models.CharField(max_length=40)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "stage_key", "item_key"], name="checklist_mark_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.stage_key} / {self.item_key}"


class GateApproval(models.Model):
    """The accountable person's decision on a stage's gate (e.g. management approval of the plan)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="gate_approvals")
    stage_key = models.CharField(max_length=40)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.stage_key}: {self.decision}"


class StageTransition(models.Model):
    """Every move between stages, including each pass of the optimisation loop, kept as history."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advanced")
        KPI_LOOP = "kpi_loop", _("KPI not achieved: strategy optimised")
        KPI_ACHIEVED = "kpi_achieved", _("KPI achieved")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    from_stage = models.CharField(max_length=40)
    to_stage = models.CharField(max_length=40)
    problem = models.TextField(blank=True)
    optimisation = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.from_stage} → {self.to_stage}"


class BudgetLine(models.Model):
    """Planned (and, until imports fill it, hand-entered actual) spend per channel and month, in the
    workspace currency."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    channel = models.CharField(_("channel"), max_length=40)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    planned = models.DecimalField(_("planned"), max_digits=16, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["month", "channel"]
        constraints = [models.UniqueConstraint(fields=["campaign", "channel", "month"], name="budget_line_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.channel} / {self.month:%Y-%m}"


class RaciAssignment(models.Model):
    """Who is Responsible, Accountable, Consulted or Informed for a stage of a campaign (seed 002).
    A stage has at most one Accountable person: the one who passes its gate."""

    class Letter(models.TextChoices):
        RESPONSIBLE = "R", _("Responsible")
        ACCOUNTABLE = "A", _("Accountable")
        CONSULTED = "C", _("Consulted")
        INFORMED = "I", _("Informed")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="raci")
    stage_key = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(max_length=1, choices=Letter.choices)

    class Meta:
        ordering = ["stage_key", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stage_key", "user"], name="raci_one_letter_per_person"),
            models.UniqueConstraint(
                fields=["campaign", "stage_key"], condition=models.Q(letter="A"), name="raci_one_accountable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.stage_key}: {self.user} = {self.letter}"


class CampaignSettings(models.Model):
    """A workspace's campaign rules: above which increase extra spend needs approval."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    spend_approval_threshold = models.DecimalField(
        _("extra spend that needs approval (above)"), max_digits=16, decimal_places=2, default=Decimal("10000000")
    )
    launch_readiness_threshold = models.DecimalField(
        _("budget above which launch readiness is required"), max_digits=16, decimal_places=2, default=Decimal("50000000")
    )

    def __str__(self) -> str:
        return f"{self.workspace}: {self.spend_approval_threshold}"


class BudgetIncreaseRequest(models.Model):
    """A budget increase above the workspace threshold on an approved plan, waiting for the person
    accountable for the budget (seed 002: "who approves extra spend")."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_requests")
    channel = models.CharField(max_length=40)
    month = models.DateField()
    current_planned = models.DecimalField(max_digits=16, decimal_places=2)
    requested_planned = models.DecimalField(max_digits=16, decimal_places=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.channel} {self.month:%Y-%m}: {self.current_planned} → {self.requested_planned}"

    @property
    def increase(self) -> Decimal:
        return self.requested_planned - self.current_planned


class Initiative(models.Model):
    """A candidate piece of work (a campaign idea, a test, a channel to open), scored to decide what comes first."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("initiative"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives")
    reach = models.PositiveIntegerField(_("reach (people per quarter)"))
    impact = models.DecimalField(_("impact (0.25–3)"), max_digits=3, decimal_places=2)
    confidence_percent = models.PositiveSmallIntegerField(_("confidence (%)"))
    effort_weeks = models.DecimalField(_("effort (person-weeks)"), max_digits=6, decimal_places=1)
    ice_impact = models.PositiveSmallIntegerField(_("ICE impact (1–10)"))
    ice_confidence = models.PositiveSmallIntegerField(_("ICE confidence (1–10)"))
    ice_ease = models.PositiveSmallIntegerField(_("ICE ease (1–10)"))
    rice = models.DecimalField(max_digits=18, decimal_places=1)
    ice = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rice", "title"]

    def __str__(self) -> str:
        return self.title


class Risk(models.Model):
    """A line of a campaign's risk register."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="risks")
    risk = models.CharField(_("risk"), max_length=200)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    mitigation = models.TextField(_("mitigation"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.risk

    @property
    def score(self) -> int:
        """Likelihood × impact, the usual risk-matrix score (1–25)."""
        return self.likelihood * self.impact


class Task(models.Model):
    """A piece of a campaign's action plan, shown on the kanban board and the timeline."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        REVIEW = "review", _("In review")
        DONE = "done", _("Done")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=6, decimal_places=1)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    position = models.PositiveIntegerField(default=0)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="blocks")
    checklist = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "position", "id"]

    def __str__(self) -> str:
        return self.title

    def is_assigned_to(self, user: Any) -> bool:
        return self.owner_id == user.pk


class Playbook(models.Model):
    """A reusable checklist (seed 002): a launch checklist (format per channel, legal requirements,
    fallback plan), a QA checklist, brand standards. Applied to a campaign, it becomes a task with
    those checklist items."""

    class Kind(models.TextChoices):
        LAUNCH = "launch", _("Launch checklist")
        QA = "qa", _("QA checklist")
        BRAND = "brand", _("Brand standards")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    items = models.JSONField(_("items"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="playbook_unique_name")]

    def __str__(self) -> str:
        return self.name
