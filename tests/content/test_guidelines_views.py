"""The guidelines page (read by every member, edited by guideline managers), the live check the editor
calls as a person types, and the API: guidelines, the platform rules table and the variant check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.accounts.models import ApiToken, User
from alur.content.api.guidelines import GuidelinesIn
from alur.content.models import ContentSettings, MediaAsset
from alur.content.rules import rules_table
from alur.content.selectors.guidelines import content_settings
from alur.content.services.guidelines import guidelines_update
from alur.core.roles import Role
from tests.conftest import Team

R = Role
PAGE = "/w/kopi/content/guidelines/"
CHECK = "/w/kopi/content/check/"


def _english(user: User) -> User:
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "voice_tone": "Hangat dan santai.",
        "topics": "Tips seduh\nCerita petani",
        "content_types": ["social_post", "short_video"],
        "banned_words": "murah banget\ntermurah",
        "required_hashtags": "#KopiNusantara",
        "required_disclaimer": "Syarat & ketentuan berlaku.",
        "disclaimer_kinds": ["ad"],
        "allowed_link_domains": "kopinusantara.id",
        "require_https": "on",
        "frequency_instagram": "5",
        "frequency_x": "",
    }
    data.update(overrides)
    return data


def _asset(team: Team, **kwargs: Any) -> MediaAsset:
    values: dict[str, Any] = {
        "workspace": team.workspace,
        "file": "media/2026/11/a.jpg",
        "original_name": "a.jpg",
        "kind": "image",
        "mime_type": "image/jpeg",
        "size_bytes": 1000,
        "sha256": "0" * 64,
        "uploaded_by": team.user(R.DESIGNER),
    }
    values.update(kwargs)
    return MediaAsset.objects.create(**values)


# The settings page -------------------------------------------------------------------------------


def test_a_creator_reads_the_guidelines_but_cannot_change_them(team: Team, login: Callable[[User], Client]) -> None:
    guidelines_update(actor=team.user(R.MANAGER), workspace=team.workspace, banned_words=["murah banget"])
    browser = login(_english(team.user(R.CONTENT_CREATOR)))
    page = browser.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="read-only"' in html and "<fieldset disabled>" in html
    assert "murah banget" in html
    assert 'data-testid="guidelines-save"' not in html
    refused = browser.post(PAGE, _form(banned_words="gratis"))
    assert refused.status_code == 403
    assert ContentSettings.objects.get(workspace=team.workspace).banned_words == ["murah banget"]


def test_the_page_shows_the_platform_rules_with_their_sources(team: Team, login: Callable[[User], Client]) -> None:
    html = login(_english(team.user(R.CLIENT))).get(PAGE).content.decode()
    assert html.count('data-testid="platform-rule"') == len(rules_table())
    assert "reviewed" in html and "https://help.x.com/en/using-x/x-videos" in html
    assert 'data-platform="instagram" data-rule="hashtags"' in html


def test_a_manager_saves_the_guidelines(team: Team, login: Callable[[User], Client]) -> None:
    browser = login(_english(team.user(R.MANAGER)))
    assert 'data-testid="read-only"' not in browser.get(PAGE).content.decode()
    saved = browser.post(PAGE, _form())
    assert saved.status_code == 302 and saved["Location"] == PAGE
    row = ContentSettings.objects.get(workspace=team.workspace)
    assert row.banned_words == ["murah banget", "termurah"]
    assert row.required_hashtags == ["#KopiNusantara"]
    assert row.posting_frequency == {"instagram": 5}
    assert row.disclaimer_kinds == ["ad"] and row.require_https is True
    assert row.content_types == ["social_post", "short_video"]
    page = browser.get(PAGE).content.decode()
    assert "Guidelines saved." in page and "termurah" in page
    unticked = browser.post(PAGE, _form(require_https=""))
    assert unticked.status_code == 302
    assert ContentSettings.objects.get(workspace=team.workspace).require_https is False


def test_bad_input_on_the_page_is_explained_and_nothing_changes(team: Team, login: Callable[[User], Client]) -> None:
    browser = login(_english(team.user(R.SOCIAL_MEDIA_SPECIALIST)))
    bad_domain = browser.post(PAGE, _form(allowed_link_domains="kopi nusantara"))
    assert bad_domain.status_code == 422
    assert "is not a domain" in bad_domain.content.decode()
    bad_frequency = browser.post(PAGE, _form(frequency_tiktok="500"))
    assert bad_frequency.status_code == 422
    assert content_settings(team.workspace).banned_words == []


def test_another_workspace_does_not_exist_here(team: Team, other_team: Team, login: Callable[[User], Client]) -> None:
    browser = login(other_team.user(R.MANAGER))
    assert browser.get(PAGE).status_code == 404
    assert browser.post(PAGE, _form()).status_code == 404
    assert browser.post(CHECK, {"platform": "x", "text": "Halo"}).status_code == 404
    assert Client().get(PAGE).status_code == 302  # signed out: to the sign-in page


# The live check ----------------------------------------------------------------------------------


def _violations(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="violation" data-code="([a-z_]+)" data-severity="(error|warning)"', html)


def test_the_live_check_lists_errors_and_warnings_with_where_they_are(team: Team, login: Callable[[User], Client]) -> None:
    guidelines_update(actor=team.user(R.MANAGER), workspace=team.workspace, banned_words=["murah banget"])
    browser = login(_english(team.user(R.CONTENT_CREATOR)))
    answer = browser.post(
        CHECK,
        {
            "platform": "instagram",
            "kind": "social_post",
            "text": "Kopi murah banget! #a1 #b1 #c1",
            "hashtags": "#d1, #e1 #f1",
            "title": "",
            "link": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'data-testid="violations"' in html
    assert set(_violations(html)) == {("hashtags_too_many", "error"), ("banned_word", "error"), ("media_missing", "warning")}
    assert "Instagram allows at most 5 hashtags; this has 6. Remove 1." in html
    assert 'data-start="5" data-end="17"' in html and "Text, position 6–17" in html
    assert "30 / 2,200 characters" in html
    assert "<html" not in html  # a partial for hx-post, not a page


def test_the_live_check_counts_as_x_counts(team: Team, login: Callable[[User], Client]) -> None:
    browser = login(_english(team.user(R.CONTENT_CREATOR)))
    html = browser.post(CHECK, {"platform": "x", "text": "a" * 278 + "☕"}).content.decode()
    assert "280 / 280 characters" in html and 'data-testid="all-clear"' in html
    over = browser.post(CHECK, {"platform": "x", "text": "a" * 279 + "☕"}).content.decode()
    assert ("text_too_long", "error") in _violations(over) and "281 / 280" in over and 'data-start="279"' in over


def test_the_live_check_uses_the_media_of_the_workspace_only(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    photo = _asset(team)
    clip = _asset(team, kind="video", mime_type="video/mp4", duration_seconds=200)
    foreign = _asset(other_team, kind="document", mime_type="application/pdf")
    browser = login(_english(team.user(R.SOCIAL_MEDIA_SPECIALIST)))
    html = browser.post(
        CHECK, {"platform": "x", "text": "Halo", "media": [str(photo.pk), str(clip.pk), str(foreign.pk), "junk"]}
    ).content.decode()
    assert set(_violations(html)) == {("media_mixed", "error"), ("video_too_long", "error")}
    assert "Video 2 lasts 3:20; X allows up to 2:20. Trim it." in html


def test_a_clean_variant_gets_the_all_clear(team: Team, login: Callable[[User], Client]) -> None:
    photo = _asset(team)
    data = {"platform": "instagram", "kind": "ad", "text": "Pagi ☕", "media": [str(photo.pk)]}
    html = login(_english(team.user(R.APPROVER))).post(CHECK, data).content.decode()
    assert 'data-testid="all-clear"' in html and not _violations(html)
    # A client may check too, but only with media they can see: this photo is on no shared item.
    as_client = login(_english(team.user(R.CLIENT))).post(CHECK, data).content.decode()
    assert _violations(as_client) == [("media_missing", "warning")]


def test_the_live_check_only_takes_posts_and_survives_junk(team: Team, login: Callable[[User], Client]) -> None:
    browser = login(_english(team.user(R.CONTENT_CREATOR)))
    assert browser.get(CHECK).status_code == 405
    unknown = browser.post(CHECK, {"platform": "myspace", "kind": "podcast", "text": "x\x00y"})
    assert unknown.status_code == 200 and ("platform_unknown", "error") in _violations(unknown.content.decode())
    huge = browser.post(CHECK, {"platform": "linkedin", "text": "kopi " * 50_000})
    assert huge.status_code == 200 and ("text_too_long", "error") in _violations(huge.content.decode())


def test_the_editor_urls_are_named_as_the_lead_expects(team: Team) -> None:
    assert reverse("content:check", kwargs={"slug": "kopi"}) == CHECK
    assert reverse("content:guidelines", kwargs={"slug": "kopi"}) == PAGE


# The API -----------------------------------------------------------------------------------------


def _api(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


API = "/api/v1/workspaces/kopi/content/guidelines"


def test_the_api_reads_and_changes_the_guidelines(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    _, reader = make_token(team.user(R.CONTENT_CREATOR), team.workspace)
    _, writer = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    read = Client().get(API, **_api(reader))
    assert read.status_code == 200 and read.json()["require_https"] is True and read.json()["banned_words"] == []
    changed = Client().put(
        API,
        data={"banned_words": ["murah banget"], "required_hashtags": ["KopiNusantara"], "posting_frequency": {"x": 14}},
        content_type="application/json",
        **_api(writer),
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["banned_words"] == ["murah banget"] and body["required_hashtags"] == ["#KopiNusantara"]
    assert body["posting_frequency"] == {"x": 14} and body["voice_tone"] == ""


def test_the_api_refuses_what_the_role_or_token_may_not_do(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    _, read_only = make_token(team.user(R.MANAGER), team.workspace)
    _, creator = make_token(team.user(R.CONTENT_CREATOR), team.workspace, scope="write")
    payload = {"banned_words": ["murah"]}
    assert Client().put(API, data=payload, content_type="application/json", **_api(read_only)).status_code == 403
    assert Client().put(API, data=payload, content_type="application/json", **_api(creator)).status_code == 403
    assert not ContentSettings.objects.filter(workspace=team.workspace, banned_words=["murah"]).exists()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"allowed_link_domains": ["bukan domain"]}, "not a domain"),
        ({"posting_frequency": {"instagram": 101}}, "between 0 and 100"),
        ({"posting_frequency": {"myspace": 1}}, ""),
        ({"content_types": ["podcast"]}, ""),
        ({"required_hashtags": ["#1"]}, "not a hashtag"),
        ({"banned_words": "murah"}, ""),
    ],
)
def test_the_api_answers_422_on_bad_input(
    team: Team, make_token: Callable[..., tuple[ApiToken, str]], payload: dict[str, Any], expected: str
) -> None:
    type(team.user(R.MANAGER)).objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")
    _, writer = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    answer = Client().put(API, data=payload, content_type="application/json", **_api(writer))
    assert answer.status_code == 422, answer.content
    assert expected in answer.content.decode()


def test_the_api_hides_other_workspaces(team: Team, other_team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    _, stranger = make_token(other_team.user(R.MANAGER), other_team.workspace, scope="write")
    assert Client().get(API, **_api(stranger)).status_code == 404
    assert (
        Client()
        .post(
            f"{API.removesuffix('/guidelines')}/check", data={"platform": "x"}, content_type="application/json", **_api(stranger)
        )
        .status_code
        == 404
    )


def test_the_api_serves_the_platform_rules_with_sources(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    _, token = make_token(team.user(R.CLIENT), team.workspace)
    answer = Client().get("/api/v1/content/platform-rules", **_api(token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["reviewed"] == "2026-11-23"
    assert len(body["rules"]) == len(rules_table())
    hashtags = next(r for r in body["rules"] if r["platform"] == "instagram" and r["rule"] == "hashtags")
    assert hashtags["value"] == 5 and hashtags["severity"] == "error" and "socialmediatoday" in hashtags["source"]
    assert Client().get("/api/v1/content/platform-rules").status_code == 401


def test_the_api_checks_a_variant(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    guidelines_update(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        banned_words=["murah banget"],
        required_disclaimer="S&K berlaku",
        disclaimer_kinds=["ad"],
    )
    photo = _asset(team)
    type(team.user(R.CONTENT_CREATOR)).objects.filter(pk=team.user(R.CONTENT_CREATOR).pk).update(language="en")
    _, token = make_token(team.user(R.CONTENT_CREATOR), team.workspace)  # read scope: checking writes nothing
    answer = Client().post(
        "/api/v1/workspaces/kopi/content/check",
        data={
            "platform": "instagram",
            "kind": "ad",
            "text": "Promo murah banget http://kopinusantara.id",
            "hashtags": ["#a"],
            "media_ids": [photo.pk, 99999],
        },
        content_type="application/json",
        **_api(token),
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["passes"] is False
    assert body["counter"] == {"length": 42, "maximum": 2200, "method": "code_points"}
    codes = {(v["code"], v["severity"]) for v in body["violations"]}
    assert codes == {("banned_word", "error"), ("disclaimer_missing", "error"), ("link_not_https", "error")}
    banned = next(v for v in body["violations"] if v["code"] == "banned_word")
    assert banned["start"] == 6 and banned["end"] == 18 and "banned word" in banned["message"]
    fixed = Client().post(
        "/api/v1/workspaces/kopi/content/check",
        data={"platform": "instagram", "kind": "ad", "text": "Promo hemat! S&K berlaku", "media_ids": [photo.pk]},
        content_type="application/json",
        **_api(token),
    )
    assert fixed.json()["passes"] is True and fixed.json()["violations"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"platform": "myspace"},
        {"platform": "x", "kind": "podcast"},
        {"platform": "x", "media_ids": ["a"]},
        {"text": "no platform"},
    ],
)
def test_the_api_check_answers_422_on_bad_input(
    team: Team, make_token: Callable[..., tuple[ApiToken, str]], payload: dict[str, Any]
) -> None:
    _, token = make_token(team.user(R.CONTENT_CREATOR), team.workspace)
    answer = Client().post("/api/v1/workspaces/kopi/content/check", data=payload, content_type="application/json", **_api(token))
    assert answer.status_code == 422


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
_fields = st.sampled_from(
    [*GuidelinesIn.model_fields, "platform", "kind", "text", "title", "link", "hashtags", "media_ids"]  # type: ignore[attr-defined]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    path=st.sampled_from([API, "/api/v1/workspaces/kopi/content/check"]), body=st.dictionaries(_fields, _json, max_size=6) | _json
)
def test_the_api_never_answers_500_whatever_it_is_sent(
    team: Team, make_token: Callable[..., tuple[ApiToken, str]], path: str, body: Any
) -> None:
    token = getattr(test_the_api_never_answers_500_whatever_it_is_sent, "token", None)
    if token is None or not ApiToken.objects.filter(user=team.user(R.MANAGER)).exists():
        _, token = make_token(team.user(R.MANAGER), team.workspace, scope="write")
        test_the_api_never_answers_500_whatever_it_is_sent.token = token  # type: ignore[attr-defined]
    method = Client().put if path == API else Client().post
    answer = method(path, data=json.dumps(body), content_type="application/json", **_api(token))
    assert answer.status_code in (200, 422), answer.content[:300]
    if answer.status_code == 422:
        assert "detail" in answer.json()
