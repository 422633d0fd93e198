"""Writing OKRs: seed 004's examples as written, SMART refusals, check-ins, reviews, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.strategy import services
from alur.strategy.models import CheckIn, KeyResult, Objective, Period
from alur.strategy.selectors import objective_scorecard
from tests.conftest import Team

DEADLINE = dt.date(2026, 12, 31)


def add_kr(team: Team, objective: Objective, **overrides: object) -> KeyResult:
    arguments: dict[str, object] = {
        "actor": team.user(Role.STRATEGIST),
        "objective": objective,
        "title": "Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan",
        "metric": "Followers Instagram",
        "unit": "followers",
        "direction": "increase_to",
        "start_value": "10000",
        "target_change_percent": "50",
        "deadline": DEADLINE,
        "owner": team.user(Role.SOCIAL_MEDIA_SPECIALIST),
        **overrides,
    }
    return services.key_result_create(**arguments)  # type: ignore[arg-type]


def test_seed_004_examples_can_be_entered_as_written(team: Team, objective: Objective) -> None:
    followers = add_kr(team, objective)
    assert followers.target_value == Decimal("15000")
    bounce = add_kr(
        team,
        objective,
        title="Mengurangi tingkat bounce rate website sebesar 10% dalam 3 bulan",
        metric="Bounce rate",
        unit="%",
        direction="decrease_to",
        start_value="60",
        target_change_percent="10",
        deadline=dt.date(2026, 9, 30),
    )
    assert bounce.target_value == Decimal("54")
    recognition = add_kr(
        team,
        objective,
        title="Meningkatkan brand awareness di Jawa Timur dengan mencapai 20% tingkat pengenalan merek dalam 6 bulan",
        metric="Pengenalan merek",
        unit="%",
        start_value="8",
        target_change_percent=None,
        target_value="20",
    )
    assert recognition.target_value == Decimal("20")
    assert AuditEvent.objects.filter(action="key_result.create").count() == 3


def test_a_key_result_that_is_not_smart_is_refused_with_the_missing_part(team: Team, objective: Objective) -> None:
    with pytest.raises(ValidationError) as error:
        add_kr(team, objective, metric="", unit="", deadline=dt.date(2027, 2, 1))
    messages = error.value.message_dict
    assert messages["metric"][0].startswith("Not specific")
    assert messages["unit"][0].startswith("Not measurable")
    assert messages["deadline"][0].startswith("Not time-bound") and "2026-07-01 – 2026-12-31" in messages["deadline"][0]
    with pytest.raises(ValidationError) as error:
        add_kr(team, objective, target_change_percent=None, target_value="9000")
    assert "above the start value" in error.value.message_dict["target_value"][0]
    with pytest.raises(ValidationError) as error:
        add_kr(team, objective, target_change_percent=None, target_value=None)
    assert "target" in error.value.message_dict["target_value"][0]
    with pytest.raises(ValidationError, match="is not a number"):
        add_kr(team, objective, start_value="sepuluh ribu")
    with pytest.raises(ValidationError, match="positive percentage"):
        add_kr(team, objective, target_change_percent="-5")
    assert not KeyResult.objects.exists()


def test_the_owner_must_be_a_member(team: Team, other_team: Team, objective: Objective) -> None:
    with pytest.raises(ValidationError, match="member of this workspace"):
        add_kr(team, objective, owner=other_team.user(Role.MANAGER))


def test_check_ins_move_the_current_value_and_the_grade(team: Team, objective: Objective) -> None:
    kr = add_kr(team, objective)
    owner = team.user(Role.SOCIAL_MEDIA_SPECIALIST)
    services.key_result_check_in(actor=owner, key_result=kr, value="12500", confidence=8, comment="Reels bagus")
    kr.refresh_from_db()
    assert kr.current_value == Decimal("12500")
    card = objective_scorecard(Objective.objects.get(pk=objective.pk), today=dt.date(2026, 10, 1))
    assert card.key_results[0].score.grade == Decimal("0.5")
    assert card.grade == Decimal("0.5")
    # A back-dated reading does not replace a newer one.
    services.key_result_check_in(
        actor=owner, key_result=kr, value="11000", confidence=6, recorded_at=timezone.now() - dt.timedelta(days=30)
    )
    kr.refresh_from_db()
    assert kr.current_value == Decimal("12500")
    assert CheckIn.objects.filter(key_result=kr).count() == 2


@pytest.mark.parametrize(
    ("value", "confidence", "field"),
    [
        ("banyak", 5, "value"),
        ("NaN", 5, "value"),
        ("12000", 11, "confidence"),
        ("12000", "tinggi", "confidence"),
        ("1e20", 5, "value"),
    ],
)
def test_bad_check_ins_are_refused_and_write_nothing(
    team: Team, objective: Objective, value: str, confidence: object, field: str
) -> None:
    kr = add_kr(team, objective)
    with pytest.raises(ValidationError) as error:
        services.key_result_check_in(actor=team.user(Role.STRATEGIST), key_result=kr, value=value, confidence=confidence)
    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_who_may_check_in(team: Team, objective: Objective) -> None:
    kr = add_kr(team, objective)
    services.key_result_check_in(
        actor=team.user(Role.SOCIAL_MEDIA_SPECIALIST), key_result=kr, value="11000", confidence=7
    )  # the owner
    services.key_result_check_in(actor=team.user(Role.DATA_ANALYST), key_result=kr, value="11100", confidence=7)
    for role in (Role.DESIGNER, Role.CLIENT, Role.CONTRACTOR):
        with pytest.raises(PermissionDenied):
            services.key_result_check_in(actor=team.user(role), key_result=kr, value="99999", confidence=10)
    assert CheckIn.objects.count() == 2


def test_only_managers_and_strategists_set_objectives(team: Team, period: Period) -> None:
    for role in (Role.CONTENT_CREATOR, Role.APPROVER, Role.CLIENT, Role.DATA_ANALYST):
        with pytest.raises(PermissionDenied):
            services.objective_create(
                actor=team.user(role), workspace=team.workspace, title="Objective baru kami", period=period, owner=team.user(role)
            )
    assert not Objective.objects.exists()


def test_periods_must_be_unique_and_ordered(team: Team, period: Period) -> None:
    manager = team.user(Role.MANAGER)
    with pytest.raises(ValidationError, match="already a period"):
        services.period_create(
            actor=manager, workspace=team.workspace, name="Semester 2 2026", start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30)
        )
    with pytest.raises(ValidationError, match="end after it starts"):
        services.period_create(
            actor=manager, workspace=team.workspace, name="Q1", start=dt.date(2027, 3, 1), end=dt.date(2027, 1, 1)
        )


def test_the_quarterly_review_keeps_grade_reflection_and_decisions(team: Team, objective: Objective) -> None:
    kr1 = add_kr(team, objective)
    kr2 = add_kr(
        team,
        objective,
        title="Meningkatkan engagement rate postingan Instagram sebesar 30% dalam 6 bulan",
        start_value="2.4",
        target_change_percent="30",
    )
    services.key_result_check_in(actor=team.user(Role.STRATEGIST), key_result=kr1, value="15000", confidence=9)
    manager = team.user(Role.MANAGER)
    with pytest.raises(ValidationError, match="carry it over or drop it"):
        services.objective_review(
            actor=manager, objective=objective, reflection="Reels berhasil, carousel kurang.", decisions={kr1.pk: "drop"}
        )
    with pytest.raises(ValidationError):
        services.objective_review(actor=manager, objective=objective, reflection="ok", decisions={kr1.pk: "drop", kr2.pk: "drop"})
    reviewed = services.objective_review(
        actor=manager,
        objective=objective,
        reflection="Reels berhasil, carousel kurang.",
        decisions={kr1.pk: "drop", kr2.pk: "carry_over"},
    )
    assert reviewed.review_grade == Decimal("0.50")
    kr2.refresh_from_db()
    assert kr2.review_decision == "carry_over"
    with pytest.raises(PermissionDenied):
        services.objective_review(
            actor=team.user(Role.DESIGNER), objective=objective, reflection="Ulasan dari desainer", decisions={}
        )


def test_a_key_result_is_edited_checked_again_and_audited(team: Team, objective: Objective) -> None:
    followers = add_kr(team, objective)
    edited = services.key_result_update(
        actor=team.user(Role.STRATEGIST),
        key_result=followers,
        title="Meningkatkan jumlah followers Instagram menjadi 20.000",
        target_value="20000",
        owner=team.user(Role.MANAGER),
        weight="2",
    )
    stored = KeyResult.objects.get(pk=followers.pk)
    assert stored.title == edited.title == "Meningkatkan jumlah followers Instagram menjadi 20.000"
    assert (stored.target_value, stored.owner, stored.weight) == (Decimal(20000), team.user(Role.MANAGER), Decimal(2))
    event = AuditEvent.objects.get(action="key_result.update")
    assert event.before["target_value"] == "15000.0000" and event.after["target_value"] == "20000.0000"
    # Re-checked like a new one: a target below the start of an increase is refused, and nothing changes.
    with pytest.raises(ValidationError) as error:
        services.key_result_update(actor=team.user(Role.STRATEGIST), key_result=stored, target_value="5000")
    assert "target_value" in error.value.message_dict
    with pytest.raises(ValidationError, match="deadline"):
        services.key_result_update(actor=team.user(Role.STRATEGIST), key_result=stored, deadline=dt.date(2027, 3, 1))
    with pytest.raises(ValidationError):
        services.key_result_update(actor=team.user(Role.STRATEGIST), key_result=stored, current_value="1")
    assert KeyResult.objects.get(pk=followers.pk).target_value == Decimal(20000)
    # A change of the target relative to the start, and a milestone's fixed 0 → 1.
    services.key_result_update(actor=team.user(Role.STRATEGIST), key_result=stored, target_change_percent="100")
    assert KeyResult.objects.get(pk=followers.pk).target_value == Decimal(20000)
    milestone = services.key_result_update(actor=team.user(Role.STRATEGIST), key_result=stored, direction="milestone")
    assert (milestone.start_value, milestone.target_value) == (Decimal(0), Decimal(1))
    with pytest.raises(PermissionDenied):
        services.key_result_update(actor=team.user(Role.SOCIAL_MEDIA_SPECIALIST), key_result=stored, title="Judul lain sekali")


def test_a_key_result_is_deleted_with_its_check_ins_unless_a_campaign_counts_on_it(team: Team, objective: Objective) -> None:
    from alur.campaigns import services as campaigns

    followers, leads = add_kr(team, objective), add_kr(team, objective, title="Mendapatkan 500 lead baru", metric="Lead")
    services.key_result_check_in(actor=team.user(Role.STRATEGIST), key_result=followers, value="11000", confidence=7)
    with pytest.raises(PermissionDenied):
        services.key_result_delete(actor=team.user(Role.SOCIAL_MEDIA_SPECIALIST), key_result=followers)
    services.key_result_delete(actor=team.user(Role.STRATEGIST), key_result=followers)
    assert not KeyResult.objects.filter(pk=followers.pk).exists() and not CheckIn.objects.exists()
    event = AuditEvent.objects.get(action="key_result.delete")
    assert event.object_id == str(followers.pk) and event.before["title"] == followers.title
    assert event.before["check_ins"] == 1

    campaign = campaigns.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kampanye lead",
        owner=team.user(Role.CAMPAIGN_MANAGER),
    )
    campaigns.campaign_update(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign, key_result_ids=[leads.pk])
    with pytest.raises(ValidationError, match="Kampanye lead"):
        services.key_result_delete(actor=team.user(Role.STRATEGIST), key_result=leads)
    assert KeyResult.objects.filter(pk=leads.pk).exists()
