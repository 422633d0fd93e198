"""Reads of strategy: objectives a member may see, scorecards, the alignment tree, check-in history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from alur.accounts.models import Membership
from alur.core.policy import scope
from alur.strategy import scoring
from alur.strategy.models import BusinessGoal, CheckIn, KeyResult, Objective, Period
from alur.strategy.scoring import Direction


def periods(membership: Membership) -> QuerySet[Period]:
    """The periods the member may see: all for the team, those of their objectives for an outside member."""
    return scope(Period.objects.all(), membership)


def period_current(membership: Membership, today: dt.date) -> Period | None:
    """The period containing today; else the next one to start; else the latest."""
    candidates = periods(membership)
    return (
        candidates.filter(start__lte=today, end__gte=today).order_by("start").first()
        or candidates.filter(start__gt=today).order_by("start").first()
        or candidates.order_by("-end").first()
    )


def business_goals(membership: Membership) -> QuerySet[BusinessGoal]:
    """The goals the member may see: all for the team, those of their objectives for an outside member."""
    return scope(BusinessGoal.objects.all(), membership)


def objectives_visible(membership: Membership, *, period: Period | None = None) -> QuerySet[Objective]:
    """The objectives this member may see: all for the team; for a contractor those they own or own a
    key result of; for a client those shared with clients."""
    objectives = scope(Objective.objects.all(), membership)
    if period is not None:
        objectives = objectives.filter(period=period)
    latest_first = CheckIn.objects.order_by("-created_at", "-id")
    return objectives.select_related("period", "owner", "business_goal").prefetch_related(
        Prefetch(
            "key_results",
            queryset=scope(KeyResult.objects.select_related("owner"), membership).prefetch_related(
                Prefetch("check_ins", queryset=latest_first)
            ),
        )
    )


def objective_visible(membership: Membership, objective_id: int) -> Objective:
    objective = objectives_visible(membership).filter(pk=objective_id).first()
    if objective is None:
        raise Http404("No such objective.")
    return objective


def key_result_visible(membership: Membership, key_result_id: int) -> KeyResult:
    key_result = (
        scope(KeyResult.objects.filter(objective__in=objectives_visible(membership)), membership)
        .filter(pk=key_result_id)
        .select_related("objective__period", "owner")
        .first()
    )
    if key_result is None:
        raise Http404("No such key result.")
    return key_result


@dataclass(frozen=True)
class KeyResultCard:
    key_result: KeyResult
    score: scoring.KeyResultScore
    latest: CheckIn | None

    @property
    def grade_percent(self) -> int:
        return int((self.score.grade * 100).to_integral_value())

    @property
    def expected_percent(self) -> int:
        return int((self.score.expected * 100).to_integral_value())


@dataclass(frozen=True)
class ObjectiveCard:
    objective: Objective
    grade: Decimal
    colour: scoring.Colour
    status: scoring.Status
    key_results: list[KeyResultCard] = field(default_factory=list)

    @property
    def grade_percent(self) -> int:
        return int((self.grade * 100).to_integral_value())


STATUS_ORDER = {scoring.Status.OFF_TRACK: 0, scoring.Status.AT_RISK: 1, scoring.Status.ON_TRACK: 2}


def key_result_card(key_result: KeyResult, *, today: dt.date) -> KeyResultCard:
    check_ins = list(key_result.check_ins.all())  # prefetched newest first
    latest = check_ins[0] if check_ins else None
    score = scoring.score_key_result(
        direction=Direction(key_result.direction),
        start=key_result.start_value,
        target=key_result.target_value,
        value=key_result.current_value,
        window_start=key_result.objective.period.start,
        deadline=key_result.deadline,
        today=today,
        confidence=latest.confidence if latest is not None else None,
    )
    return KeyResultCard(key_result=key_result, score=score, latest=latest)


def objective_scorecard(objective: Objective, *, today: dt.date) -> ObjectiveCard:
    """The objective's grade (weighted mean of its key results) and its worst key-result status."""
    cards = [key_result_card(kr, today=today) for kr in objective.key_results.all()]
    grade = scoring.objective_grade((card.score.grade, card.key_result.weight) for card in cards)
    status = min((card.score.status for card in cards), key=STATUS_ORDER.__getitem__, default=scoring.Status.ON_TRACK)
    return ObjectiveCard(objective=objective, grade=grade, colour=scoring.colour(grade), status=status, key_results=cards)


def check_in_history(key_result: KeyResult) -> list[CheckIn]:
    """Oldest first, for the progress chart."""
    return list(CheckIn.objects.filter(key_result=key_result).select_related("author").order_by("created_at", "id"))


@dataclass(frozen=True)
class GoalBranch:
    goal: BusinessGoal | None
    objectives: list[ObjectiveCard]


def alignment_tree(membership: Membership, *, period: Period | None, today: dt.date) -> list[GoalBranch]:
    """Business goal → objectives → key results, for the alignment page. Objectives without a goal
    come last, under ``goal=None``."""
    branches: dict[int | None, list[ObjectiveCard]] = {}
    for objective in objectives_visible(membership, period=period):
        branches.setdefault(objective.business_goal_id, []).append(objective_scorecard(objective, today=today))
    goals = {goal.pk: goal for goal in business_goals(membership)}
    ordered = [GoalBranch(goal=goals[pk], objectives=cards) for pk, cards in branches.items() if pk is not None]
    ordered.sort(key=lambda branch: branch.goal.title if branch.goal else "")
    if None in branches:
        ordered.append(GoalBranch(goal=None, objectives=branches[None]))
    return ordered
