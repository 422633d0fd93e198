"""The campaigns API: the planning journey, gate refusals as 422 naming what is missing, and denials."""

from __future__ import annotations

from collections.abc import Callable

from alur.accounts.models import ApiToken
from alur.core.roles import Role
from tests.api.test_api import call
from tests.conftest import Team

TokenMaker = Callable[..., tuple[ApiToken, str]]


def test_plan_submit_approve_and_enter_creation_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns"
    created = call(
        "post",
        base,
        planner,
        {"name": "Lebaran 2027", "owner": team.user(Role.CAMPAIGN_MANAGER).email, "template": "lead_generation"},
    )
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["stage"] == "discovery" and campaign["channels"] == ["sem", "seo", "email", "content"]
    assert {m["kind"] for m in campaign["missing_to_advance"]} == {"output", "checklist"}
    refused = call("post", f"{base}/{campaign['id']}/advance", planner)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "gate"
    for stage_outputs, items in (
        (["buyer_persona"], ["competitor_research", "audience_research"]),
        (["marketing_plan"], ["kpis_set", "budget_planned"]),
    ):
        for key in stage_outputs:
            assert (
                call("post", f"{base}/{campaign['id']}/outputs", planner, {"output_key": key, "content": "Siap."}).status_code
                == 200
            )
        for key in items:
            call("post", f"{base}/{campaign['id']}/checklist", planner, {"item_key": key})
        call("post", f"{base}/{campaign['id']}/advance", planner)
    budget = call(
        "put", f"{base}/{campaign['id']}/budget", planner, {"channel": "sem", "month": "2027-03-15", "planned": "12.000.000"}
    )
    assert budget.json()["budget"] == [{"channel": "sem", "month": "2027-03-01", "planned": "12000000.00", "actual": None}]
    assert call("post", f"{base}/{campaign['id']}/approval-request", planner).json()["awaiting_approval"] is True
    assert call("post", f"{base}/{campaign['id']}/approval-decision", planner, {"approve": True}).status_code == 403
    assert call("post", f"{base}/{campaign['id']}/approval-decision", manager, {"approve": True}).status_code == 200
    moved = call("post", f"{base}/{campaign['id']}/advance", planner).json()
    assert moved["stage"] == "creation"


def test_bad_campaign_input_is_a_422_naming_the_field(team: Team, make_token: TokenMaker) -> None:
    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns"
    assert (
        call("post", base, planner, {"name": "X", "owner": team.user(Role.CAMPAIGN_MANAGER).email}).json()["detail"][0]["field"]
        == "name"
    )
    assert call("post", base, planner, {"name": "Kampanye", "owner": "nobody@example.id"}).json()["detail"][0]["field"] == "owner"
    campaign = call("post", base, planner, {"name": "Kampanye", "owner": team.user(Role.CAMPAIGN_MANAGER).email}).json()
    bad_money = call(
        "put", f"{base}/{campaign['id']}/budget", planner, {"channel": "ads", "month": "2027-01-01", "planned": "seratus"}
    )
    assert bad_money.status_code == 422 and bad_money.json()["detail"][0]["field"] == "planned"
    assert (
        call(
            "put", f"{base}/{campaign['id']}/budget", planner, {"channel": "tv", "month": "2027-01-01", "planned": "1"}
        ).status_code
        == 422
    )
    assert (
        call("patch", f"{base}/{campaign['id']}/brief", planner, {"key_result_ids": [999999]}).json()["detail"][0]["field"]
        == "key_results"
    )


def test_the_workflow_and_its_diagram_are_readable(team: Team, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.DESIGNER), team.workspace)
    workflow = call("get", f"/workspaces/{team.workspace.slug}/workflow?language=en", token).json()
    assert workflow["version"] == 1 and len(workflow["definition"]["stages"]) == 6
    assert 'K4{"KPI achieved?"}' in workflow["mermaid"]


def test_the_raci_matrix_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns"
    campaign = call("post", base, planner, {"name": "Kampanye RACI", "owner": team.user(Role.CAMPAIGN_MANAGER).email}).json()
    rows = call(
        "put",
        f"{base}/{campaign['id']}/raci",
        planner,
        {"stage_key": "planning", "user": team.user(Role.MANAGER).email, "letter": "A"},
    ).json()
    planning = next(row for row in rows if row["stage_key"] == "planning")
    assert planning["A"] == [team.user(Role.MANAGER).display_name]
    bad = call(
        "put",
        f"{base}/{campaign['id']}/raci",
        planner,
        {"stage_key": "nowhere", "user": team.user(Role.MANAGER).email, "letter": "A"},
    )
    assert bad.status_code == 422


def test_a_budget_increase_request_through_the_api(team: Team, make_token: TokenMaker) -> None:
    from alur.campaigns import services
    from alur.campaigns.models import Campaign
    from tests.campaigns.test_services import approved_plan

    campaign = approved_plan(
        team,
        services.campaign_create(
            actor=team.user(Role.CAMPAIGN_MANAGER),
            workspace=team.workspace,
            name="Kampanye API",
            owner=team.user(Role.CAMPAIGN_MANAGER),
        ),
    )
    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns/{campaign.pk}"
    out = call("put", f"{base}/budget", planner, {"channel": "ads", "month": "2027-01-01", "planned": "40.000.000"}).json()
    assert out["budget"] == [] and out["pending_budget_requests"][0]["requested_planned"] == "40000000.00"
    request_id = out["pending_budget_requests"][0]["id"]
    assert call("post", f"{base}/budget-requests/{request_id}/decision", planner, {"approve": True}).status_code == 403
    decided = call("post", f"{base}/budget-requests/{request_id}/decision", manager, {"approve": True}).json()
    assert decided["budget"][0]["planned"] == "40000000.00" and decided["pending_budget_requests"] == []
    assert Campaign.objects.get(pk=campaign.pk).budget_lines.count() == 1
    rules = {"spend_approval_threshold": "5000000", "launch_readiness_threshold": "20000000"}
    settings_out = call("put", f"/workspaces/{team.workspace.slug}/campaign-settings", manager, rules)
    assert settings_out.json() == {"spend_approval_threshold": "5000000.00", "launch_readiness_threshold": "20000000.00"}
    assert call("put", f"/workspaces/{team.workspace.slug}/campaign-settings", planner, rules).status_code == 403
    risk = {
        "risk": "Stok habis di hari pertama",
        "likelihood": 3,
        "impact": 4,
        "mitigation": "Stok cadangan.",
        "owner": team.user(Role.CAMPAIGN_MANAGER).email,
    }
    assert call("post", f"{base}/risks", planner, risk).status_code == 200
    assert call("post", f"{base}/risks", planner, {**risk, "likelihood": 7}).status_code == 422


def test_initiatives_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/initiatives"
    body = {
        "title": "Program afiliasi",
        "reach": 2000,
        "impact": "2",
        "confidence_percent": 50,
        "effort_weeks": "4",
        "ice_impact": 6,
        "ice_confidence": 5,
        "ice_ease": 4,
    }
    created = call("post", base, token, body)
    assert created.status_code == 201 and created.json()["rice"] == "500.0" and created.json()["ice"] == 120
    assert call("post", base, token, {**body, "impact": "1.5"}).json()["detail"][0]["field"] == "impact"
    assert [i["title"] for i in call("get", f"{base}?sort=ice", token).json()] == ["Program afiliasi"]


def test_tasks_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns"
    campaign = call("post", base, planner, {"name": "Kampanye tugas API", "owner": team.user(Role.CAMPAIGN_MANAGER).email}).json()
    tasks = f"{base}/{campaign['id']}/tasks"
    first = call(
        "post",
        tasks,
        planner,
        {
            "title": "Riset kata kunci",
            "owner": team.user(Role.PERFORMANCE_MARKETER).email,
            "estimate_hours": "4",
            "checklist": ["Ahrefs", "Search Console"],
        },
    ).json()
    second = call(
        "post", tasks, planner, {"title": "Tulis artikel", "owner": team.user(Role.CONTENT_CREATOR).email, "estimate_hours": "8"}
    ).json()
    assert call("post", f"{tasks}/{second['id']}/dependencies", planner, {"depends_on": first["id"]}).json()["depends_on"] == [
        first["id"]
    ]
    loop = call("post", f"{tasks}/{first['id']}/dependencies", planner, {"depends_on": second["id"]})
    assert loop.status_code == 422 and "putaran" in loop.json()["detail"][0]["message"]  # the planner works in Indonesian
    assert call("post", f"{tasks}/{second['id']}/move", planner, {"status": "done"}).status_code == 422
    assert call("post", f"{tasks}/{first['id']}/move", planner, {"status": "done"}).json()["status"] == "done"
    assert [t["title"] for t in call("get", tasks, planner).json()] == ["Tulis artikel", "Riset kata kunci"]
    removed = call("delete", f"{tasks}/{second['id']}/dependencies/{first['id']}", planner)
    assert removed.status_code == 200 and removed.json()["depends_on"] == []
    assert call("delete", f"{tasks}/{second['id']}/dependencies/{first['id']}", planner).status_code == 422
    _, designer = make_token(team.user(Role.DESIGNER), team.workspace, scope="write")
    call("post", f"{tasks}/{second['id']}/dependencies", planner, {"depends_on": first["id"]})
    assert call("delete", f"{tasks}/{second['id']}/dependencies/{first['id']}", designer).status_code == 403


def test_playbooks_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    created = call(
        "post",
        f"/workspaces/{team.workspace.slug}/playbooks",
        manager,
        {"name": "QA email", "kind": "qa", "items": ["Subjek < 60 karakter", "Tautan unsubscribe"]},
    )
    assert created.status_code == 201
    campaign = call(
        "post",
        f"/workspaces/{team.workspace.slug}/campaigns",
        manager,
        {"name": "Newsletter Desember", "owner": team.user(Role.CAMPAIGN_MANAGER).email},
    ).json()
    task = call(
        "post",
        f"/workspaces/{team.workspace.slug}/campaigns/{campaign['id']}/playbook",
        manager,
        {"playbook_id": created.json()["id"]},
    )
    assert task.status_code == 201 and [item["text"] for item in task.json()["checklist"]] == [
        "Subjek < 60 karakter",
        "Tautan unsubscribe",
    ]
    assert (
        call(
            "post", f"/workspaces/{team.workspace.slug}/playbooks", manager, {"name": "Kosong", "kind": "qa", "items": []}
        ).status_code
        == 422
    )


def test_a_workflow_version_is_published_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    workflows = call("get", f"/workspaces/{team.workspace.slug}/workflows", manager).json()
    definition = workflows[0]["definition"]
    definition["stages"] = definition["stages"][:4]
    published = call(
        "post", f"/workspaces/{team.workspace.slug}/workflows/{workflows[0]['id']}/versions", manager, {"definition": definition}
    )
    assert published.status_code == 201 and published.json()["version"] == 2
    broken = call(
        "post",
        f"/workspaces/{team.workspace.slug}/workflows/{workflows[0]['id']}/versions",
        manager,
        {"definition": {"stages": []}},
    )
    assert broken.status_code == 422 and broken.json()["detail"][0]["field"] == "spec"


def test_a_campaigns_name_and_dates_are_edited_through_the_api(team: Team, make_token: TokenMaker) -> None:
    from alur.campaigns.models import Campaign
    from alur.core.models import AuditEvent

    _, planner = make_token(team.user(Role.CAMPAIGN_MANAGER), team.workspace, scope="write")
    _, designer = make_token(team.user(Role.DESIGNER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns"
    created = call(
        "post",
        base,
        planner,
        {
            "name": "Lebaran 2027",
            "owner": team.user(Role.CAMPAIGN_MANAGER).email,
            "start_date": "2027-03-01",
            "end_date": "2027-03-31",
        },
    ).json()
    url = f"{base}/{created['id']}"
    changed = call("patch", url, planner, {"name": "Lebaran & mudik 2027", "end_date": "2027-04-15"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["start_date"], changed.json()["end_date"]) == (
        "Lebaran & mudik 2027",
        "2027-03-01",
        "2027-04-15",
    )
    assert AuditEvent.objects.filter(action="campaign.update").count() == 1
    refused = call("patch", url, planner, {"start_date": "2027-05-01"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "end_date"
    assert "harus berakhir" in refused.json()["detail"][0]["message"]  # in the member's language
    assert call("patch", url, planner, {"name": "X"}).json()["detail"][0]["field"] == "name"
    assert call("patch", url, planner, {"name": None}).status_code == 422
    assert call("patch", url, designer, {"name": "Diubah desainer"}).status_code == 403
    cleared = call("patch", url, planner, {"start_date": None, "end_date": None}).json()
    assert cleared["start_date"] is None and cleared["end_date"] is None
    assert Campaign.objects.get(pk=created["id"]).name == "Lebaran & mudik 2027"
