"""Campaign pages through HTTP: the full planning journey, gate refusals shown, isolation and roles."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from alur.accounts.models import User
from alur.campaigns.models import BudgetLine, Campaign
from alur.core.roles import Role
from tests.conftest import Team


def url(team: Team, name: str, campaign: Campaign | None = None) -> str:
    args = [team.workspace.slug] + ([campaign.pk] if campaign else [])
    return reverse(f"campaigns:{name}", args=args)


def test_plan_to_creation_through_the_pages(team: Team, login: Callable[[User], Client]) -> None:
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    assert "bi-megaphone" in planner.get(url(team, "campaign_list")).content.decode()
    planner.post(
        url(team, "campaign_create"),
        {"name": "Ramadan 2027", "template": "awareness", "owner": team.user(Role.CAMPAIGN_MANAGER).pk},
    )
    campaign = Campaign.objects.get()
    page = planner.get(url(team, "campaign_detail", campaign)).content.decode()
    assert 'data-testid="gate-missing"' in page
    refused = planner.post(url(team, "advance", campaign), follow=True).content.decode()
    assert "alert-danger" in refused and "Buyer persona" in refused
    brief = {
        "smart_goal": "Followers +50% dalam 6 bulan",
        "buyer_persona": "Rina, 28, pekerja kantoran di Jakarta",
        "channels": ["social", "ads"],
    }
    planner.post(url(team, "brief_save", campaign), brief)
    campaign.refresh_from_db()
    assert campaign.channels == ["social", "ads"]
    for stage_outputs, items in (
        (["buyer_persona"], ["competitor_research", "audience_research"]),
        (["marketing_plan"], ["kpis_set", "budget_planned"]),
    ):
        for key in stage_outputs:
            planner.post(url(team, "output_save", campaign), {"output_key": key, "content": "Dokumen siap."})
        for key in items:
            planner.post(url(team, "checklist_toggle", campaign), {"item_key": key, "done": "1"})
        planner.post(url(team, "advance", campaign))
        campaign.refresh_from_db()
    assert campaign.stage_key == "planning"  # the gate waits for the management approval
    planner.post(url(team, "budget_save", campaign), {"channel": "ads", "month": "2027-02", "planned": "25.000.000"})
    assert BudgetLine.objects.get().planned == 25_000_000
    planner.post(url(team, "approval_request", campaign))
    assert (
        login(team.user(Role.CAMPAIGN_MANAGER)).post(url(team, "approval_decide", campaign), {"decision": "approve"}).status_code
        == 403
    )
    manager = login(team.user(Role.MANAGER))
    assert 'data-testid="approval-form"' in manager.get(url(team, "campaign_detail", campaign)).content.decode()
    manager.post(url(team, "approval_decide", campaign), {"decision": "approve"})
    planner.post(url(team, "advance", campaign))
    campaign.refresh_from_db()
    assert campaign.stage_key == "creation"


def test_bad_budget_input_is_explained_and_nothing_saved(team: Team, login: Callable[[User], Client]) -> None:
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    planner.post(
        url(team, "campaign_create"), {"name": "Kampanye uji", "template": "", "owner": team.user(Role.CAMPAIGN_MANAGER).pk}
    )
    campaign = Campaign.objects.get()
    for data in (
        {"channel": "ads", "month": "2027-13", "planned": "1"},
        {"channel": "ads", "month": "2027-01", "planned": "mahal"},
        {"channel": "tv", "month": "2027-01", "planned": "1"},
    ):
        response = planner.post(url(team, "budget_save", campaign), data, follow=True)
        assert "alert-danger" in response.content.decode(), data
    assert not BudgetLine.objects.exists()


def test_campaigns_of_another_workspace_answer_404_and_clients_see_only_shared(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    planner.post(url(team, "campaign_create"), {"name": "Rahasia", "template": "", "owner": team.user(Role.CAMPAIGN_MANAGER).pk})
    campaign = Campaign.objects.get()
    outsider = login(other_team.user(Role.MANAGER))
    assert outsider.get(url(team, "campaign_detail", campaign)).status_code == 404
    assert outsider.post(reverse("campaigns:advance", args=[other_team.workspace.slug, campaign.pk])).status_code == 404
    client_user = login(team.user(Role.CLIENT))
    assert client_user.get(url(team, "campaign_detail", campaign)).status_code == 404
    Campaign.objects.filter(pk=campaign.pk).update(is_shared_with_clients=True)
    assert client_user.get(url(team, "campaign_detail", campaign)).status_code == 200
    assert login(team.user(Role.CONTENT_CREATOR)).get(url(team, "campaign_create")).status_code == 403


def test_the_workflow_page_shows_the_mermaid_diagram(team: Team, login: Callable[[User], Client]) -> None:
    page = login(team.user(Role.DESIGNER)).get(url(team, "workflow")).content.decode()
    assert "graph TD" in page and "KPI tercapai?" in page


def test_the_alignment_tree_shows_the_campaigns_serving_each_key_result(team: Team, login: Callable[[User], Client]) -> None:
    import datetime as dt

    from alur.campaigns import services as campaign_services
    from alur.strategy import services as strategy_services

    manager = team.user(Role.MANAGER)
    period = strategy_services.period_create(
        actor=manager, workspace=team.workspace, name="Q1 2027", start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)
    )
    objective = strategy_services.objective_create(
        actor=manager, workspace=team.workspace, title="Meningkatkan konversi website", period=period, owner=manager
    )
    key_result = strategy_services.key_result_create(
        actor=manager,
        objective=objective,
        title="Meningkatkan lead website sebesar 60% dalam 3 bulan",
        metric="Lead",
        unit="leads",
        direction="increase_to",
        start_value="100",
        target_change_percent="60",
        deadline=dt.date(2027, 3, 31),
        owner=manager,
    )
    campaign = campaign_services.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER), workspace=team.workspace, name="Webinar Kopi", owner=manager
    )
    campaign_services.campaign_update(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign, key_result_ids=[key_result.pk])
    page = login(manager).get(reverse("strategy:alignment", args=[team.workspace.slug]) + f"?period={period.pk}").content.decode()
    assert page.index("Meningkatkan lead website") < page.index("Webinar Kopi")


def test_the_raci_matrix_is_set_on_the_campaign_page(team: Team, login: Callable[[User], Client]) -> None:
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    planner.post(
        url(team, "campaign_create"), {"name": "Kampanye RACI", "template": "", "owner": team.user(Role.CAMPAIGN_MANAGER).pk}
    )
    campaign = Campaign.objects.get()
    planner.post(url(team, "raci_save", campaign), {"stage_key": "planning", "user": team.user(Role.MANAGER).pk, "letter": "A"})
    page = planner.get(url(team, "campaign_detail", campaign)).content.decode()
    assert team.user(Role.MANAGER).display_name in page.split('data-testid="raci"')[1]
    refused = planner.post(url(team, "raci_save", campaign), {"stage_key": "planning", "user": "abc", "letter": "A"}, follow=True)
    assert "alert-danger" in refused.content.decode()


def test_launch_readiness_is_filled_on_the_campaign_page(team: Team, login: Callable[[User], Client]) -> None:
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    planner.post(
        url(team, "campaign_create"), {"name": "Kampanye besar", "template": "", "owner": team.user(Role.CAMPAIGN_MANAGER).pk}
    )
    campaign = Campaign.objects.get()
    planner.post(
        url(team, "risk_add", campaign),
        {
            "risk": "Server toko daring tumbang",
            "likelihood": "2",
            "impact": "5",
            "mitigation": "Uji beban H-7.",
            "owner": team.user(Role.CAMPAIGN_MANAGER).pk,
        },
    )
    planner.post(
        url(team, "launch_plan_save", campaign),
        {
            "crisis_scenario": "Tanggapi keluhan dalam 1 jam.",
            "asset_backup": "Drive cadangan.",
            "rollback_plan": "Hentikan iklan.",
        },
    )
    campaign.refresh_from_db()
    assert campaign.risks.count() == 1 and campaign.rollback_plan == "Hentikan iklan."
    page = planner.get(url(team, "campaign_detail", campaign)).content.decode()
    assert "Server toko daring tumbang" in page and "2×5 = <strong>10</strong>" in page
    bad = planner.post(
        url(team, "risk_add", campaign),
        {"risk": "x", "likelihood": "9", "impact": "1", "mitigation": "", "owner": team.user(Role.CAMPAIGN_MANAGER).pk},
        follow=True,
    )
    assert "alert-danger" in bad.content.decode()
    assert campaign.risks.count() == 1


def test_a_manager_edits_the_workflow_in_the_page_and_publishes_a_new_version(
    team: Team, login: Callable[[User], Client]
) -> None:
    from alur.campaigns.models import WorkflowDefinition
    from alur.campaigns.services import workflow_default

    workflow_default(team.workspace)
    definition = WorkflowDefinition.objects.get(workspace=team.workspace)
    edit = reverse("campaigns:workflow_edit", args=[team.workspace.slug, definition.pk])
    manager = login(team.user(Role.MANAGER))
    page = manager.get(edit)
    rows = page.context["rows"]
    form: dict[str, object] = {"stage_count": str(len(rows))}
    for index, row in enumerate(rows):
        for field, value in row.items():
            if isinstance(value, bool):
                if value:
                    form[f"stage-{index}-{field}"] = "on"
            else:
                form[f"stage-{index}-{field}"] = value
    added = manager.post(edit, {**form, "action": "add"})
    assert len(added.context["rows"]) == 7
    form["stage-1-name_en"] = "Plan & budget"
    broken = manager.post(edit, {**form, "stage-2-responsible_role": "boss", "action": "save"})
    assert broken.status_code == 422 and "boss" in broken.content.decode()
    manager.post(edit, {**form, "action": "save"})
    latest = definition.latest_version()
    assert latest.number == 2 and latest.workflow.stage("planning").name("en") == "Plan & budget"
    assert [item.key for item in latest.workflow.stage("planning").checklist] == ["kpis_set", "budget_planned"]  # keys kept
    assert login(team.user(Role.DESIGNER)).get(edit).status_code == 403


def test_a_second_workflow_for_another_campaign_type(team: Team, login: Callable[[User], Client]) -> None:
    manager = login(team.user(Role.MANAGER))
    manager.post(url(team, "workflow"), {"form": "new_workflow", "name": "Kampanye influencer"})
    from alur.campaigns.models import WorkflowDefinition

    influencer = WorkflowDefinition.objects.get(name="Kampanye influencer")
    planner = login(team.user(Role.CAMPAIGN_MANAGER))
    planner.post(
        url(team, "campaign_create"),
        {"name": "Kolaborasi barista", "template": "", "workflow": influencer.pk, "owner": team.user(Role.CAMPAIGN_MANAGER).pk},
    )
    assert Campaign.objects.get().workflow_version.definition == influencer
    assert "Kampanye influencer" in manager.get(url(team, "workflow") + f"?definition={influencer.pk}").content.decode()


def test_the_workflow_page_title_is_plain_text(team: Team, login: Callable[[User], Client]) -> None:
    page = login(team.user(Role.MANAGER)).get(url(team, "workflow")).content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "<" not in title and "Alur kerja" in title


def test_a_campaigns_name_and_dates_are_edited_on_its_page(team: Team, login: Callable[[User], Client]) -> None:
    import datetime as dt

    from alur.campaigns import services
    from alur.core.models import AuditEvent

    planner = team.user(Role.CAMPAIGN_MANAGER)
    campaign = services.campaign_create(
        actor=planner,
        workspace=team.workspace,
        name="Ramadan 2027",
        owner=planner,
        start_date=dt.date(2027, 2, 1),
        end_date=dt.date(2027, 2, 28),
    )
    client = login(planner)
    edit = url(team, "campaign_edit", campaign)
    assert edit in client.get(url(team, "campaign_detail", campaign)).content.decode()
    form = client.get(edit).content.decode()
    assert 'value="Ramadan 2027"' in form and 'value="2027-02-01"' in form and 'value="2027-02-28"' in form
    response = client.post(
        edit, {"name": "Ramadan & Lebaran 2027", "start_date": "2027-02-01", "end_date": "2027-04-10"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url(team, "campaign_detail", campaign)
    campaign.refresh_from_db()
    assert (campaign.name, campaign.end_date) == ("Ramadan & Lebaran 2027", dt.date(2027, 4, 10))
    event = AuditEvent.objects.get(action="campaign.update")
    assert event.before["end_date"] == "2027-02-28" and event.after["end_date"] == "2027-04-10"

    # An end before the start is refused with the reason in the member's language (Indonesian here), nothing saved.
    bad = client.post(edit, {"name": "Ramadan & Lebaran 2027", "start_date": "2027-03-01", "end_date": "2027-02-01"})
    assert bad.status_code == 422 and "invalid-feedback" in bad.content.decode()
    assert "harus berakhir" in bad.content.decode()
    assert client.post(edit, {"name": "x", "start_date": "", "end_date": ""}).status_code == 422
    campaign.refresh_from_db()
    assert (campaign.start_date, campaign.name) == (dt.date(2027, 2, 1), "Ramadan & Lebaran 2027")
    # Dates can be cleared; people who may not manage the campaign are refused.
    client.post(edit, {"name": "Ramadan & Lebaran 2027", "start_date": "", "end_date": ""})
    campaign.refresh_from_db()
    assert campaign.start_date is None and campaign.end_date is None
    designer = login(team.user(Role.DESIGNER))
    assert designer.post(edit, {"name": "Diubah desainer", "start_date": "", "end_date": ""}).status_code == 403
    assert edit not in designer.get(url(team, "campaign_detail", campaign)).content.decode()
