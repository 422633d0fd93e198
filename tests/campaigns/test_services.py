"""Campaigns: creation from a template, gates that say what is missing, management approval, the KPI loop,
versioned workflows, budgets, and who may do what."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from alur.campaigns import services
from alur.campaigns.models import BudgetLine, Campaign, StageTransition, WorkflowDefinition
from alur.campaigns.workflow import DEFAULT_DEFINITION
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import Team


@pytest.fixture
def campaign(team: Team) -> Campaign:
    return services.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kopi Susu Gula Aren 2027",
        owner=team.user(Role.CAMPAIGN_MANAGER),
        template_key="product_launch",
    )


def finish_stage(team: Team, campaign: Campaign) -> None:
    stage = campaign.workflow_version.workflow.stage(campaign.stage_key)
    worker = team.user(Role.CAMPAIGN_MANAGER)
    for output in stage.outputs:
        services.output_save(
            actor=worker, campaign=campaign, stage_key=stage.key, output_key=output.key, content="Dokumen lengkap."
        )
    for item in stage.checklist:
        services.checklist_mark(actor=worker, campaign=campaign, stage_key=stage.key, item_key=item.key, is_done=True)


def test_a_campaign_starts_in_discovery_with_its_brief_from_the_template(campaign: Campaign) -> None:
    assert campaign.stage_key == "discovery"
    assert campaign.smart_goal.startswith("Menjual 2.000 unit")  # the workspace speaks Indonesian
    assert campaign.channels == ["social", "ads", "email", "content"]
    assert campaign.workflow_version.number == 1
    assert AuditEvent.objects.filter(action="campaign.create").exists()


def test_the_gate_refuses_and_says_exactly_what_is_missing(team: Team, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as error:
        services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    message = error.value.message_dict["gate"][0]
    assert "Buyer persona" in message and "Competitor research done" in message and "Audience research done" in message
    campaign.refresh_from_db()
    assert campaign.stage_key == "discovery"


def test_planning_needs_management_approval_and_the_creator_cannot_give_it(team: Team, campaign: Campaign) -> None:
    finish_stage(team, campaign)
    services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.stage_key == "planning"
    with pytest.raises(ValidationError, match=r"[Mm]arketing plan"):
        services.approval_request(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    finish_stage(team, campaign)
    with pytest.raises(ValidationError, match="approval"):
        services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    campaign = services.approval_request(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    for role in (Role.CAMPAIGN_MANAGER, Role.APPROVER, Role.STRATEGIST, Role.CLIENT):
        with pytest.raises(PermissionDenied):
            services.approval_decide(actor=team.user(role), campaign=campaign, is_approved=True)
    services.approval_decide(actor=team.user(Role.MANAGER), campaign=campaign, is_approved=True)
    services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.stage_key == "creation"


def test_a_manager_who_created_the_campaign_cannot_approve_its_plan(team: Team) -> None:
    manager = team.user(Role.MANAGER)
    own = services.campaign_create(actor=manager, workspace=team.workspace, name="Kampanye milik manajer", owner=manager)
    with pytest.raises(PermissionDenied, match="yourself"):
        services.approval_decide(actor=manager, campaign=own, is_approved=True)


def test_sending_back_needs_a_reason(team: Team, campaign: Campaign) -> None:
    finish_stage(team, campaign)
    services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    finish_stage(team, Campaign.objects.get(pk=campaign.pk))
    campaign = services.approval_request(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=Campaign.objects.get(pk=campaign.pk))
    with pytest.raises(ValidationError, match="why"):
        services.approval_decide(actor=team.user(Role.MANAGER), campaign=campaign, is_approved=False)
    services.approval_decide(
        actor=team.user(Role.MANAGER),
        campaign=campaign,
        is_approved=False,
        comment="Anggaran iklan terlalu besar di bulan pertama.",
    )
    with pytest.raises(ValidationError, match="approval"):
        services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=Campaign.objects.get(pk=campaign.pk))


def test_the_kpi_loop_is_kept_as_history(team: Team, campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(stage_key="optimization")
    campaign.refresh_from_db()
    worker = team.user(Role.CAMPAIGN_MANAGER)
    with pytest.raises(ValidationError):
        services.kpi_review(actor=worker, campaign=campaign, is_achieved=False, problem="", optimisation="")
    services.kpi_review(
        actor=worker,
        campaign=campaign,
        is_achieved=False,
        problem="CTR iklan turun 40%.",
        optimisation="Ganti materi kreatif ke video pendek.",
    )
    services.kpi_review(
        actor=worker,
        campaign=campaign,
        is_achieved=False,
        problem="CPA masih di atas target.",
        optimisation="Pindahkan anggaran ke email.",
    )
    assert StageTransition.objects.filter(campaign=campaign, kind="kpi_loop").count() == 2
    with pytest.raises(ValidationError):
        services.kpi_review(actor=worker, campaign=campaign, is_achieved=True)  # the rest of the gate is not done
    finish_stage(team, campaign)
    services.kpi_review(actor=worker, campaign=campaign, is_achieved=True)
    campaign.refresh_from_db()
    assert campaign.stage_key == "reporting"


def test_running_campaigns_keep_their_workflow_version(team: Team, campaign: Campaign) -> None:
    definition = WorkflowDefinition.objects.get(workspace=team.workspace)
    spec = copy.deepcopy(DEFAULT_DEFINITION)
    spec["stages"] = spec["stages"][:3]
    with pytest.raises(PermissionDenied):
        services.workflow_version_publish(actor=team.user(Role.DESIGNER), definition=definition, spec=spec)
    version = services.workflow_version_publish(actor=team.user(Role.MANAGER), definition=definition, spec=spec)
    assert version.number == 2
    campaign.refresh_from_db()
    assert campaign.workflow_version.number == 1 and len(campaign.workflow_version.workflow.stages) == 6
    newer = services.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kampanye baru",
        owner=team.user(Role.CAMPAIGN_MANAGER),
    )
    assert newer.workflow_version == version
    with pytest.raises(ValidationError) as error:
        services.workflow_version_publish(actor=team.user(Role.MANAGER), definition=definition, spec={"stages": [{"key": "X"}]})
    assert any("Stage 1" in problem for problem in error.value.message_dict["spec"])


def test_budget_lines_in_rupiah_per_channel_and_month(team: Team, campaign: Campaign) -> None:
    worker = team.user(Role.CAMPAIGN_MANAGER)
    line = services.budget_line_set(
        actor=worker, campaign=campaign, channel="ads", month=dt.date(2027, 1, 15), planned="15.000.000"
    )
    assert (line.month, line.planned) == (dt.date(2027, 1, 1), Decimal("15000000.00"))
    services.budget_line_set(
        actor=worker, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="12500000,50", actual="3.000.000"
    )
    assert BudgetLine.objects.get().planned == Decimal("12500000.50")
    for bad, field in (("banyak", "planned"), ("-5", "planned"), ("1e20", "planned")):
        with pytest.raises(ValidationError) as error:
            services.budget_line_set(actor=worker, campaign=campaign, channel="ads", month=dt.date(2027, 2, 1), planned=bad)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError, match="channels"):
        services.budget_line_set(actor=worker, campaign=campaign, channel="radio", month=dt.date(2027, 2, 1), planned="1")
    with pytest.raises(PermissionDenied):
        services.budget_line_set(
            actor=team.user(Role.DESIGNER), campaign=campaign, channel="ads", month=dt.date(2027, 2, 1), planned="1"
        )
    assert BudgetLine.objects.count() == 1


def test_actual_spend_from_imported_data_is_recorded_by_the_system_with_an_audit_of_each_change(
    team: Team, campaign: Campaign
) -> None:
    worker = team.user(Role.CAMPAIGN_MANAGER)
    january, february = dt.date(2027, 1, 1), dt.date(2027, 2, 1)
    services.budget_line_set(actor=worker, campaign=campaign, channel="ads", month=january, planned="15000000", actual="1000000")
    services.budget_line_set(actor=worker, campaign=campaign, channel="sem", month=january, planned="5000000")
    services.budget_line_set(actor=worker, campaign=campaign, channel="ads", month=february, planned="15000000")
    actuals = {
        (campaign.pk, "ads", january): Decimal("2500000.0049"),  # a share of a whole-period report: to the cent
        (campaign.pk, "sem", january): Decimal("750000"),
        (campaign.pk, "social", january): Decimal("99000"),  # spend without a budget line creates none
    }

    assert services.budget_actuals_record_automatic(workspace=team.workspace, actuals=actuals) == 2

    lines = {(line.channel, line.month): line for line in BudgetLine.objects.filter(campaign=campaign)}
    assert set(lines) == {("ads", january), ("sem", january), ("ads", february)}
    assert (lines["ads", january].planned, lines["ads", january].actual) == (Decimal("15000000"), Decimal("2500000.00"))
    assert lines["sem", january].actual == Decimal("750000.00")
    assert lines["ads", february].actual is None  # no imported spend for it: kept as it was
    events = {e.after["channel"]: e for e in AuditEvent.objects.filter(action="campaign.budget_actual")}
    assert set(events) == {"ads", "sem"}
    assert events["ads"].actor is None and events["ads"].actor_label == "system"
    assert events["ads"].object_id == str(campaign.pk)
    assert events["ads"].before == {"channel": "ads", "month": "2027-01-01", "actual": "1000000.00"}
    assert events["ads"].after == {"channel": "ads", "month": "2027-01-01", "actual": "2500000.00"}
    assert events["sem"].before == {"channel": "sem", "month": "2027-01-01", "actual": None}
    # The same figures again change nothing and add no record.
    assert services.budget_actuals_record_automatic(workspace=team.workspace, actuals=actuals) == 0
    assert AuditEvent.objects.filter(action="campaign.budget_actual").count() == 2


def test_only_planners_create_campaigns(team: Team) -> None:
    for role in (Role.CONTENT_CREATOR, Role.CLIENT, Role.APPROVER):
        with pytest.raises(PermissionDenied):
            services.campaign_create(actor=team.user(role), workspace=team.workspace, name="Tidak boleh", owner=team.user(role))
    with pytest.raises(ValidationError, match="template"):
        services.campaign_create(
            actor=team.user(Role.MANAGER),
            workspace=team.workspace,
            name="Template salah",
            owner=team.user(Role.MANAGER),
            template_key="nope",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("15.000.000", "15000000"),
        ("15.000", "15000"),
        ("1500000", "1500000"),
        ("12.5", "12.5"),
        ("12,5", "12.5"),
        ("1 500 000", "1500000"),
    ],
)
def test_amounts_are_read_in_indonesian_and_english_forms(text: str, expected: str) -> None:
    with translation.override("id"):
        assert services.normalize_amount_decimal(text) == Decimal(expected)


def test_the_accountable_person_is_the_one_who_passes_the_gate(team: Team, campaign: Campaign) -> None:
    from alur.campaigns.models import RaciAssignment

    planner, strategist = team.user(Role.CAMPAIGN_MANAGER), team.user(Role.STRATEGIST)
    services.raci_set(actor=planner, campaign=campaign, stage_key="discovery", user=strategist, letter="A")
    services.raci_set(actor=planner, campaign=campaign, stage_key="discovery", user=team.user(Role.DESIGNER), letter="C")
    finish_stage(team, campaign)
    with pytest.raises(PermissionDenied, match="accountable"):
        services.campaign_advance(actor=planner, campaign=campaign)
    services.campaign_advance(actor=strategist, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.stage_key == "planning"
    # One Accountable per stage: a new one replaces the old.
    services.raci_set(actor=planner, campaign=campaign, stage_key="planning", user=strategist, letter="A")
    services.raci_set(actor=planner, campaign=campaign, stage_key="planning", user=planner, letter="A")
    assert list(
        RaciAssignment.objects.filter(campaign=campaign, stage_key="planning", letter="A").values_list("user", flat=True)
    ) == [planner.pk]
    with pytest.raises(ValidationError, match="R, A, C or I"):
        services.raci_set(actor=planner, campaign=campaign, stage_key="planning", user=planner, letter="X")
    with pytest.raises(PermissionDenied):
        services.raci_set(actor=team.user(Role.DESIGNER), campaign=campaign, stage_key="planning", user=planner, letter="I")


def approved_plan(team: Team, campaign: Campaign) -> Campaign:
    finish_stage(team, campaign)
    services.campaign_advance(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    services.approval_request(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    services.approval_decide(actor=team.user(Role.MANAGER), campaign=campaign, is_approved=True)
    return Campaign.objects.get(pk=campaign.pk)


def test_extra_spend_above_the_threshold_waits_for_the_accountable_person(team: Team, campaign: Campaign) -> None:
    from alur.campaigns.models import BudgetIncreaseRequest

    planner = team.user(Role.CAMPAIGN_MANAGER)
    services.budget_line_set(
        actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="50.000.000"
    )  # before approval: free
    campaign = approved_plan(team, campaign)
    small = services.budget_line_set(
        actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="55.000.000"
    )
    assert isinstance(small, BudgetLine) and small.planned == Decimal("55000000")
    big = services.budget_line_set(
        actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="80.000.000"
    )
    assert isinstance(big, BudgetIncreaseRequest) and big.increase == Decimal("25000000")
    assert BudgetLine.objects.get().planned == Decimal("55000000")  # unchanged until approved
    services.raci_set(
        actor=planner, campaign=campaign, stage_key="planning", user=team.user(Role.PERFORMANCE_MARKETER), letter="A"
    )
    with pytest.raises(PermissionDenied, match="accountable for the budget"):
        services.budget_increase_decide(actor=team.user(Role.MANAGER), request=big, is_approved=True)
    services.budget_increase_decide(actor=team.user(Role.PERFORMANCE_MARKETER), request=big, is_approved=True)
    assert BudgetLine.objects.get().planned == Decimal("80000000")
    with pytest.raises(ValidationError, match="already been decided"):
        services.budget_increase_decide(actor=team.user(Role.PERFORMANCE_MARKETER), request=big, is_approved=False)


def test_without_a_raci_a_manager_decides_but_never_on_their_own_request(team: Team, campaign: Campaign) -> None:
    campaign = approved_plan(team, campaign)
    manager = team.user(Role.MANAGER)
    services.campaign_settings_update(actor=manager, workspace=team.workspace, spend_approval_threshold="1.000.000")
    own = services.budget_line_set(
        actor=manager, campaign=campaign, channel="email", month=dt.date(2027, 2, 1), planned="5.000.000"
    )
    with pytest.raises(PermissionDenied, match="yourself"):
        services.budget_increase_decide(actor=manager, request=own, is_approved=True)  # type: ignore[arg-type]
    other = services.budget_line_set(
        actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign, channel="seo", month=dt.date(2027, 2, 1), planned="3.000.000"
    )
    with pytest.raises(PermissionDenied):
        services.budget_increase_decide(actor=team.user(Role.CAMPAIGN_MANAGER), request=other, is_approved=True)  # type: ignore[arg-type]
    services.budget_increase_decide(actor=manager, request=other, is_approved=False)  # type: ignore[arg-type]
    assert not BudgetLine.objects.filter(channel="seo").exists()
    with pytest.raises(PermissionDenied):
        services.campaign_settings_update(
            actor=team.user(Role.CAMPAIGN_MANAGER), workspace=team.workspace, spend_approval_threshold="1"
        )


def test_a_big_campaign_cannot_go_live_without_launch_readiness(team: Team, campaign: Campaign) -> None:
    planner = team.user(Role.CAMPAIGN_MANAGER)
    services.budget_line_set(
        actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="60.000.000"
    )  # above 50 million
    campaign = approved_plan(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.stage_key == "creation"
    finish_stage(team, campaign)
    with pytest.raises(ValidationError, match="launch readiness"):
        services.campaign_advance(actor=planner, campaign=campaign)
    services.risk_add(
        actor=planner,
        campaign=campaign,
        risk="Influencer posting sebelum tanggal rilis",
        likelihood=2,
        impact=4,
        mitigation="Kontrak dengan embargo dan cek H-1.",
        owner=planner,
    )
    services.campaign_update(
        actor=planner,
        campaign=campaign,
        crisis_scenario="Produk cacat viral: tarik iklan, minta maaf dalam 2 jam.",
        asset_backup="Semua materi di drive cadangan.",
        rollback_plan="Hentikan iklan, kembalikan harga lama.",
    )
    services.campaign_advance(actor=planner, campaign=Campaign.objects.get(pk=campaign.pk))
    assert Campaign.objects.get(pk=campaign.pk).stage_key == "distribution"


def test_a_small_campaign_goes_live_without_launch_readiness(team: Team, campaign: Campaign) -> None:
    planner = team.user(Role.CAMPAIGN_MANAGER)
    services.budget_line_set(actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, 1, 1), planned="5.000.000")
    campaign = approved_plan(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).stage_key == "distribution"


def test_risks_are_validated(team: Team, campaign: Campaign) -> None:
    planner = team.user(Role.CAMPAIGN_MANAGER)
    with pytest.raises(ValidationError) as error:
        services.risk_add(actor=planner, campaign=campaign, risk="x", likelihood=9, impact=0, mitigation="", owner=planner)
    assert {"risk", "mitigation"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError, match="whole number from 1 to 5"):
        services.risk_add(
            actor=planner,
            campaign=campaign,
            risk="Risiko yang nyata",
            likelihood=9,
            impact=2,
            mitigation="Mitigasi jelas",
            owner=planner,
        )


def test_submitting_a_plan_notifies_those_who_may_approve_it(team: Team, campaign: Campaign, make_user: object) -> None:
    from django.urls import reverse

    from alur.accounts import services as accounts
    from alur.core.models import Notification

    second_manager = make_user("manager2@kopi.id")  # type: ignore[operator]
    accounts.membership_add(actor=team.user(Role.MANAGER), workspace=team.workspace, user=second_manager, role=Role.MANAGER)
    planner = team.user(Role.CAMPAIGN_MANAGER)
    finish_stage(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    assert not Notification.objects.exists()
    services.approval_request(actor=planner, campaign=campaign)
    notices = Notification.objects.filter(kind="plan_approval_requested")
    assert {n.recipient for n in notices} == {team.user(Role.MANAGER), second_manager}  # managers, not the submitter
    notice = notices.first()
    assert notice is not None and campaign.name in notice.message
    assert notice.url == reverse("campaigns:campaign_detail", args=[team.workspace.slug, campaign.pk])
    # Submitting again while the plan waits does not pile up notices.
    services.approval_request(actor=planner, campaign=campaign)
    assert notices.count() == 2
    # Sent back and submitted again: a new round, a new notice.
    services.approval_decide(
        actor=team.user(Role.MANAGER), campaign=campaign, is_approved=False, comment="Anggaran kurang jelas."
    )
    services.approval_request(actor=planner, campaign=campaign)
    assert Notification.objects.filter(kind="plan_approval_requested", recipient=second_manager).count() == 2


def test_the_submitter_and_the_owner_hear_how_the_plan_was_decided(team: Team, campaign: Campaign) -> None:
    from alur.core.models import Notification

    planner = team.user(Role.CAMPAIGN_MANAGER)
    finish_stage(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    services.approval_request(actor=planner, campaign=campaign)
    services.approval_decide(
        actor=team.user(Role.MANAGER), campaign=campaign, is_approved=False, comment="Anggaran kurang jelas."
    )
    sent_back = Notification.objects.filter(kind="plan_decided")
    assert {n.recipient for n in sent_back} == {planner, campaign.owner} - {team.user(Role.MANAGER)}
    assert all("Anggaran kurang jelas." in n.message for n in sent_back)
    services.approval_request(actor=planner, campaign=campaign)
    services.approval_decide(actor=team.user(Role.MANAGER), campaign=campaign, is_approved=True)
    assert Notification.objects.filter(kind="plan_decided", recipient=planner).count() == 2


def test_whoever_created_the_campaign_is_not_asked_to_approve_its_plan(team: Team) -> None:
    from alur.core.models import Notification

    manager = team.user(Role.MANAGER)
    campaign = services.campaign_create(actor=manager, workspace=team.workspace, name="Kampanye manajer", owner=manager)
    finish_stage(team, campaign)
    services.campaign_advance(actor=manager, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    services.approval_request(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign)
    assert not Notification.objects.filter(recipient=manager).exists()  # the policy forbids approving your own
