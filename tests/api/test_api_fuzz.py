"""Whatever a client sends, the API answers with a 4xx and a message, never a 500, and writes nothing partial."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.accounts.models import ApiToken, Workspace
from alur.core.roles import Role
from tests.conftest import Team

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
known_fields = st.sampled_from(
    [
        "name",
        "kind",
        "currency",
        "time_zone",
        "language",
        "email",
        "role",
        "title",
        "period_id",
        "owner",
        "start",
        "end",
        "direction",
        "start_value",
        "target_value",
        "target_change_percent",
        "deadline",
        "value",
        "confidence",
        "metric",
        "unit",
        "variants",
        "platform",
        "text",
        "hashtags",
        "media_ids",
        "publish_at",
        "verdict",
        "reason",
        "mode",
        "levels",
        "reviewer_email",
        "days",
        "to",
    ]
)
bodies = st.one_of(
    st.dictionaries(known_fields, json_values, max_size=5),
    json_values,
    st.text(max_size=30).map(lambda text: {"__raw__": text}),
)
SLUG_ALPHABET = "abcdefghijklmnopqrstuvwxyz-0123456789%._~"
slugs = st.one_of(st.just("kopi"), st.just("batik"), st.text(alphabet=SLUG_ALPHABET, min_size=1, max_size=20))
operations = st.sampled_from(
    [
        ("get", "/workspaces/{slug}"),
        ("patch", "/workspaces/{slug}"),
        ("get", "/workspaces/{slug}/members"),
        ("post", "/workspaces/{slug}/invitations"),
        ("get", "/workspaces/{slug}/audit?limit={query}"),
        ("get", "/workspaces/{slug}/audit?action={query}&object_type={query}"),
        ("get", "/workspaces/{slug}/objectives?period_id={query}"),
        ("post", "/workspaces/{slug}/objectives"),
        ("post", "/workspaces/{slug}/periods"),
        ("post", "/workspaces/{slug}/objectives/{query}/key-results"),
        ("post", "/workspaces/{slug}/key-results/{query}/check-ins"),
        ("post", "/workspaces/{slug}/campaigns"),
        ("put", "/workspaces/{slug}/campaigns/{query}/budget"),
        ("patch", "/workspaces/{slug}/campaigns/{query}/brief"),
        ("post", "/workspaces/{slug}/campaigns/{query}/outputs"),
        ("post", "/workspaces/{slug}/campaigns/{query}/approval-decision"),
        ("get", "/workspaces/{slug}/content?status={query}&platform={query}"),
        ("post", "/workspaces/{slug}/content"),
        ("patch", "/workspaces/{slug}/content/{query}"),
        ("post", "/workspaces/{slug}/content/{query}/submit"),
        ("post", "/workspaces/{slug}/content/{query}/decision"),
        ("post", "/workspaces/{slug}/content/{query}/schedule"),
        ("post", "/workspaces/{slug}/content/{query}/status"),
        ("post", "/workspaces/{slug}/content/{query}/review-links"),
        ("put", "/workspaces/{slug}/approvals/routes"),
        ("get", "/workspaces/{slug}/calendar?start={query}&end={query}"),
        ("post", "/workspaces/{slug}/content/{query}/reschedule"),
        ("post", "/workspaces/{slug}/calendar/events"),
        ("post", "/workspaces/{slug}/calendar/feeds"),
        ("put", "/workspaces/{slug}/content/guidelines"),
        ("post", "/workspaces/{slug}/content/check"),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operation=operations, slug=slugs, body=bodies, query=st.text(max_size=12))
def test_the_api_never_answers_500(
    team: Team,
    other_team: Team,
    make_token: Callable[..., tuple[ApiToken, str]],
    operation: tuple[str, str],
    slug: str,
    body: Any,
    query: str,
) -> None:
    manager = team.user(Role.MANAGER)
    token = ApiToken.objects.filter(user=manager, scope="write").first()
    plaintext = getattr(test_the_api_never_answers_500, "plaintext", None)
    if token is None or plaintext is None:
        _, plaintext = make_token(manager, team.workspace, scope="write")
        test_the_api_never_answers_500.plaintext = plaintext  # type: ignore[attr-defined]
    method, template = operation
    path = "/api/v1" + template.format(slug=slug, query=query.replace("&", "").replace("#", ""))
    data = body["__raw__"] if isinstance(body, dict) and "__raw__" in body else json.dumps(body)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    if method == "get":
        response = Client().get(path, **headers)
    else:
        response = getattr(Client(), method)(path, data=data, content_type="application/json", **headers)
    assert response.status_code < 500, (method, path, data, response.content[:300])
    if response.status_code >= 400:
        assert "detail" in response.json()
    assert Workspace.objects.get(pk=other_team.workspace.pk).name == "Batik Jaya"
