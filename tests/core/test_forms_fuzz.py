"""Whatever a person types into a form, the page answers without a server error."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.accounts.models import User, Workspace
from alur.core.roles import Role
from tests.conftest import Team

field_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "IDR",
            "Asia/Jakarta",
            "id",
            "en",
            "brand",
            "manager",
            "a@b.id",
            "0",
            "-1",
            "999999",
            "NaN",
            "Infinity",
            "1e999",
            "37,5",
        ]
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    page=st.sampled_from(
        [
            "workspace_create",
            "workspace_settings",
            "invitation_create",
            "tokens",
            "profile",
            "member_change_role",
            "member_capacity",
            "language_set",
        ]
    ),
    data=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "slug",
                "kind",
                "currency",
                "time_zone",
                "language",
                "email",
                "role",
                "workspace",
                "scope",
                "expires_in_days",
                "full_name",
                "next",
            ]
        ),
        field_values,
        max_size=8,
    ),
)
def test_forms_never_answer_500(team: Team, login: Callable[[User], Client], page: str, data: dict[str, str]) -> None:
    client = login(team.user(Role.MANAGER))
    slug = team.workspace.slug
    urls = {
        "workspace_create": reverse("accounts:workspace_create"),
        "workspace_settings": reverse("accounts:workspace_settings", args=[slug]),
        "invitation_create": reverse("accounts:invitation_create", args=[slug]),
        "tokens": reverse("accounts:tokens"),
        "profile": reverse("accounts:profile"),
        "member_change_role": reverse("accounts:member_change_role", args=[slug, team.membership(Role.DESIGNER).pk]),
        "member_capacity": reverse("accounts:member_capacity", args=[slug, team.membership(Role.DESIGNER).pk]),
        "language_set": reverse("accounts:language_set"),
    }
    response = client.post(urls[page], data)
    assert response.status_code < 500, (page, data)
    assert Workspace.objects.filter(pk=team.workspace.pk).exists()
