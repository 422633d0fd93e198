"""The OpenAPI document names each schema once, and what it documents is what the server takes.

Django Ninja files every model under its class name and silently keeps the last one when two differ, so two
``DecisionIn`` classes made the plan and budget decisions document the content approvals' body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ninja.openapi.schema import OpenAPISchema

from alur.accounts.models import ApiToken
from alur.api.api import api
from alur.campaigns import services
from alur.campaigns.models import BudgetIncreaseRequest, Campaign, GateApproval
from alur.core.roles import Role
from tests.api.test_api import call
from tests.conftest import Team

TokenMaker = Callable[..., tuple[ApiToken, str]]


@pytest.fixture
def definitions(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    """Every definition filed under each schema name while the document is built."""
    seen: dict[str, set[str]] = {}
    original = OpenAPISchema.add_schema_definitions

    def record(self: OpenAPISchema, found: dict[str, Any]) -> None:
        for name, definition in found.items():
            seen.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        original(self, found)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    api.get_openapi_schema(path_prefix="/api/v1/")
    yield seen


def test_every_schema_name_is_defined_once(definitions: dict[str, set[str]]) -> None:
    assert definitions, "no schema was recorded: the check would prove nothing"
    twice = {name: sorted(found) for name, found in definitions.items() if len(found) > 1}
    assert not twice, f"schema names with more than one definition (the document keeps only one): {twice}"


def _documented_body(path: str) -> dict[str, Any]:
    """A body built only from what the document says the endpoint takes: every property, a plausible value."""
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    content = document["paths"][f"/api/v1{path}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][content["$ref"].rsplit("/", 1)[1]]
    body: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        if "enum" in prop:
            body[name] = prop["enum"][0]
        elif prop.get("type") == "boolean":
            body[name] = True
        elif prop.get("type") == "string":
            body[name] = "Sesuai rencana."
        else:  # pragma: no cover - a shape this test does not know yet
            pytest.fail(f"{path}: no example for {name} {prop}")
    assert set(schema.get("required", [])) <= set(body)
    return body


def _plan_awaiting_approval(team: Team) -> Campaign:
    from tests.campaigns.test_services import finish_stage

    planner = team.user(Role.CAMPAIGN_MANAGER)
    campaign = services.campaign_create(actor=planner, workspace=team.workspace, name="Kampanye dokumen", owner=planner)
    finish_stage(team, campaign)
    services.campaign_advance(actor=planner, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    finish_stage(team, campaign)
    services.approval_request(actor=planner, campaign=campaign)
    return Campaign.objects.get(pk=campaign.pk)


def test_the_documented_plan_decision_body_is_accepted(team: Team, make_token: TokenMaker) -> None:
    campaign = _plan_awaiting_approval(team)
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    body = _documented_body("/workspaces/{slug}/campaigns/{campaign_id}/approval-decision")
    assert body == {"approve": True, "comment": "Sesuai rencana."}
    answer = call("post", f"/workspaces/{team.workspace.slug}/campaigns/{campaign.pk}/approval-decision", manager, body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["awaiting_approval"] is False
    decision = GateApproval.objects.get(campaign=campaign)
    assert decision.decision == GateApproval.Decision.APPROVED and decision.comment == "Sesuai rencana."


def test_the_documented_budget_decision_body_is_accepted(team: Team, make_token: TokenMaker) -> None:
    from tests.campaigns.test_services import approved_plan

    planner = team.user(Role.CAMPAIGN_MANAGER)
    campaign = approved_plan(
        team, services.campaign_create(actor=planner, workspace=team.workspace, name="Kampanye anggaran", owner=planner)
    )
    _, planner_token = make_token(planner, team.workspace, scope="write")
    _, manager = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    base = f"/workspaces/{team.workspace.slug}/campaigns/{campaign.pk}"
    call("put", f"{base}/budget", planner_token, {"channel": "ads", "month": "2027-01-01", "planned": "40000000"})
    pending = BudgetIncreaseRequest.objects.get(campaign=campaign)
    body = _documented_body("/workspaces/{slug}/campaigns/{campaign_id}/budget-requests/{request_id}/decision")
    assert body == {"approve": True, "comment": "Sesuai rencana."}
    answer = call("post", f"{base}/budget-requests/{pending.pk}/decision", manager, body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["pending_budget_requests"] == [] and answer.json()["budget"][0]["planned"] == "40000000.00"
    from alur.core.models import AuditEvent

    assert AuditEvent.objects.get(action="campaign.budget_increase_approve").after["comment"] == "Sesuai rencana."
