"""An id no row can have (beyond a 64-bit integer, zero, negative) is refused with 422 wherever the API takes an
id — path, query, body, list — instead of reaching the database and failing there with a server error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.accounts.models import ApiToken
from alur.core.roles import Role
from tests.conftest import Team

HUGE = 99999999999999999999


@pytest.fixture
def call(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> Callable[..., Any]:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")

    def send(method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
        url = f"/api/v1/workspaces/{team.workspace.slug}{path}"
        if body is None and raw is None:
            return getattr(Client(), method)(url, **headers)
        data = json.dumps(body) if raw is None else raw
        return getattr(Client(), method)(url, data=data, content_type="application/json", **headers)

    return send


@pytest.mark.parametrize("value", [HUGE, 2**63, 0, -1])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/content?campaign={v}", None),
        ("get", "/posts?item={v}", None),
        ("get", "/objectives?period_id={v}", None),
        ("get", "/content/{v}", None),
        ("get", "/campaigns/{v}", None),
        ("get", "/posts/{v}", None),
        ("patch", "/campaigns/1/brief", {"key_result_ids": ["{v}"]}),
        ("post", "/content", {"title": "Promo", "campaign_id": "{v}"}),
        ("post", "/content", {"title": "Promo", "variants": [{"platform": "instagram", "media_ids": ["{v}"]}]}),
    ],
)
def test_an_impossible_id_is_refused_not_a_server_error(
    call: Callable[..., Any], method: str, path: str, body: Any, value: int
) -> None:
    filled = json.loads(json.dumps(body).replace('"{v}"', str(value))) if body is not None else None
    response = call(method, path.replace("{v}", str(value)), filled)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response.json()["detail"][0]["message"]


def test_the_document_names_the_answers_to_bad_input(call: Callable[..., Any]) -> None:
    """Every operation that takes a body documents 400 (not JSON) and 422 (out of bounds), and a 422 of the
    request checks has the documented shape even where the operation's own 422 carries a report."""
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), (method, path)
    response = call("post", "/analytics/metrics", {})
    assert response.status_code == 422 and isinstance(response.json()["detail"], list)
    shapes = document["paths"]["/api/v1/workspaces/{slug}/analytics/metrics"]["post"]["responses"]["422"]
    schema = shapes["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/ErrorOut"} in schema.get("anyOf", [schema])
    not_json = call("put", "/content/guidelines", raw="\x07{")
    assert not_json.status_code == 400 and not_json.json()["detail"]
