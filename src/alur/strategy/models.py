"""Objectives and key results: periods, business goals, objectives, key results and their check-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alur.strategy.scoring import Direction

DIRECTION_CHOICES = [
    (Direction.INCREASE_TO.value, _("Increase to")),
    (Direction.DECREASE_TO.value, _("Decrease to")),
    (Direction.STAY_AT_OR_ABOVE.value, _("Stay at or above")),
    (Direction.STAY_AT_OR_BELOW.value, _("Stay at or below")),
    (Direction.MILESTONE.value, _("Milestone (done or not)")),
]


class Period(models.Model):
    """A stretch of time objectives are set for: usually a quarter, sometimes a half year."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="period_unique_name"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="period_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class BusinessGoal(models.Model):
    """The business goal an objective serves (seed 004, step 1: align marketing with the business)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """Qualitative and ambitious: what the team wants to achieve in a period."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="objectives")
    business_goal = models.ForeignKey(BusinessGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="objectives")
    title = models.CharField(_("objective"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_shared_with_clients = models.BooleanField(_("shared with clients"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    review_grade = models.DecimalField(_("final grade"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_reflection = models.TextField(_("reflection"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["period", "title"]

    def __str__(self) -> str:
        return self.title

    def is_shared_with(self, user: Any) -> bool:
        return self.is_shared_with_clients

    def is_assigned_to(self, user: Any) -> bool:
        return self.owner_id == user.pk or self.key_results.filter(owner_id=user.pk).exists()


class KeyResult(models.Model):
    """Quantitative: how progress towards an objective is measured."""

    class ReviewDecision(models.TextChoices):
        CARRY_OVER = "carry_over", _("Carry over to the next period")
        DROP = "drop", _("Drop")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("key result"), max_length=250)
    metric = models.CharField(_("metric"), max_length=120, help_text=_("What is counted, e.g. Instagram followers."))
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. followers, percent, IDR, leads."))
    direction = models.CharField(_("direction"), max_length=20, choices=DIRECTION_CHOICES)
    start_value = models.DecimalField(_("start value"), max_digits=18, decimal_places=4, default=0)
    target_value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    current_value = models.DecimalField(_("current value"), max_digits=18, decimal_places=4, null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    review_decision = models.CharField(_("after the review"), max_length=12, choices=ReviewDecision.choices, blank=True)

    class Meta:
        ordering = ["objective", "created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def is_shared_with(self, user: Any) -> bool:
        return self.objective.is_shared_with_clients

    def is_assigned_to(self, user: Any) -> bool:
        return self.owner_id == user.pk


class CheckIn(models.Model):
    """A reading of a key result's value, with the owner's confidence (0–10) and a comment."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    confidence = models.PositiveSmallIntegerField(_("confidence (0–10)"), validators=[MaxValueValidator(10)])
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_automatic = models.BooleanField(_("automatic"), default=False, help_text=_("Computed from imported performance data."))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"
