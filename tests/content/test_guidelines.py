"""The guidelines service and selectors: cleaning and refusing input, permissions, audit, the checks of an
item's variants, and the plain-language messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from alur.content.checks import Violation
from alur.content.models import ContentItem, ContentSettings, ContentVariant, MediaAsset
from alur.content.selectors.guidelines import (
    check_item,
    content_settings,
    guidelines_for,
    violation_message,
    violation_where,
)
from alur.content.services import approvals
from alur.content.services.guidelines import guidelines_update
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import Team

R = Role


def _update(team: Team, role: Role = R.MANAGER, **fields: Any) -> ContentSettings:
    return guidelines_update(actor=team.user(role), workspace=team.workspace, **fields)


def test_a_manager_sets_the_guidelines_and_the_change_is_audited(team: Team) -> None:
    row = _update(
        team,
        voice_tone="  Hangat, santai, sapa pembaca dengan “kamu”.  ",
        topics="Tips seduh\nCerita petani, Promo\n\nTips seduh",
        content_types=["social_post", "Short video"],
        posting_frequency={"instagram": 5, "x": "7", "tiktok": ""},
        banned_words="murah banget\nTERMURAH, gratis ongkir\nmurah  banget",
        required_hashtags="KopiNusantara, #NgopiPagi #kopinusantara",
        required_disclaimer="Syarat & ketentuan berlaku.",
        disclaimer_kinds=["ad"],
        allowed_link_domains="https://www.KopiNusantara.id/promo\n*.tokopedia.com",
        require_https=True,
    )
    row.refresh_from_db()
    assert row.voice_tone == "Hangat, santai, sapa pembaca dengan “kamu”."
    assert row.topics == ["Tips seduh", "Cerita petani", "Promo"]
    assert row.content_types == ["social_post", "short_video"]
    assert row.posting_frequency == {"instagram": 5, "x": 7}
    assert row.banned_words == ["murah banget", "TERMURAH", "gratis ongkir"]
    assert row.required_hashtags == ["#KopiNusantara", "#NgopiPagi"]
    assert row.allowed_link_domains == ["www.kopinusantara.id", "tokopedia.com"]
    event = AuditEvent.objects.get(action="content.settings")
    assert event.after["banned_words"] == ["murah banget", "TERMURAH", "gratis ongkir"]
    assert "require_https" not in event.after  # unchanged fields are not recorded


def test_only_the_given_fields_change_and_a_no_op_writes_no_audit(team: Team) -> None:
    _update(team, banned_words=["murah"], require_https=False)
    _update(team, voice_tone="Ramah")
    row = content_settings(team.workspace)
    assert row.banned_words == ["murah"] and row.require_https is False and row.voice_tone == "Ramah"
    count = AuditEvent.objects.filter(action="content.settings").count()
    _update(team, voice_tone="Ramah")
    assert AuditEvent.objects.filter(action="content.settings").count() == count


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"allowed_link_domains": "kopi nusantara"}, "allowed_link_domains", "not a domain"),
        ({"allowed_link_domains": ["localhost"]}, "allowed_link_domains", "not a domain"),
        ({"allowed_link_domains": ["192.168.1.1"]}, "allowed_link_domains", "not a domain"),
        ({"required_hashtags": "#2027"}, "required_hashtags", "not a hashtag"),
        ({"required_hashtags": ["#kopi-susu"]}, "required_hashtags", "not a hashtag"),
        ({"posting_frequency": {"instagram": 101}}, "posting_frequency", "between 0 and 100"),
        ({"posting_frequency": {"instagram": -1}}, "posting_frequency", "between 0 and 100"),
        ({"posting_frequency": {"instagram": "sering"}}, "posting_frequency", "whole number"),
        ({"posting_frequency": {"myspace": 3}}, "posting_frequency", "not a channel"),
        ({"posting_frequency": [3]}, "posting_frequency", "posts per week"),
        ({"content_types": ["podcast"]}, "content_types", "not a content type"),
        ({"disclaimer_kinds": ["podcast"]}, "disclaimer_kinds", "not a content type"),
        ({"banned_words": ["x" * 101]}, "banned_words", "too long"),
        ({"banned_words": [str(i) for i in range(201)]}, "banned_words", "200 entries"),
        ({"banned_words": ["mur\x00ah"]}, "banned_words", "NUL"),
        ({"banned_words": 7}, "banned_words", "list"),
        ({"voice_tone": "a\x00"}, "voice_tone", "NUL"),
        ({"voice_tone": "a" * 5001}, "voice_tone", "5000"),
        ({"required_disclaimer": "a" * 301}, "required_disclaimer", "300"),
        ({"require_https": "yes"}, "require_https", "yes or no"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_written(
    team: Team, fields: dict[str, Any], field: str, message: str
) -> None:
    _update(team, banned_words=["murah"])
    with pytest.raises(ValidationError) as refused:
        _update(team, **fields)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert content_settings(team.workspace).banned_words == ["murah"]


def test_unknown_settings_are_refused(team: Team) -> None:
    with pytest.raises(ValidationError, match="not guideline settings"):
        _update(team, remind_after_hours=3)


@pytest.mark.parametrize("role", [R.MANAGER, R.STRATEGIST, R.SOCIAL_MEDIA_SPECIALIST])
def test_guideline_managers_may_edit(team: Team, role: Role) -> None:
    _update(team, role, banned_words=["murah"])


@pytest.mark.parametrize("role", [R.CONTENT_CREATOR, R.DESIGNER, R.APPROVER, R.CONTRACTOR, R.CLIENT])
def test_others_may_not_edit(team: Team, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        _update(team, role, banned_words=["murah"])
    assert not ContentSettings.objects.filter(workspace=team.workspace, banned_words=["murah"]).exists()


def test_a_member_of_another_workspace_may_not_edit(team: Team, other_team: Team) -> None:
    with pytest.raises(PermissionDenied):
        guidelines_update(actor=other_team.user(R.MANAGER), workspace=team.workspace, banned_words=["murah"])


def test_guidelines_for_reads_defaults_without_writing(team: Team) -> None:
    rules = guidelines_for(team.workspace)
    assert rules.require_https is True and rules.banned_words == ()
    assert not ContentSettings.objects.filter(workspace=team.workspace).exists()
    _update(team, banned_words=["murah"], allowed_link_domains=["kopi.id"])
    rules = guidelines_for(team.workspace)
    assert rules.banned_words == ("murah",) and rules.allowed_link_domains == ("kopi.id",)


def _item(team: Team, kind: str = "social_post") -> ContentItem:
    creator = team.user(R.CONTENT_CREATOR)
    return ContentItem.objects.create(workspace=team.workspace, title="Promo", kind=kind, owner=creator, created_by=creator)


def _asset(team: Team, **kwargs: Any) -> MediaAsset:
    values: dict[str, Any] = {
        "workspace": team.workspace,
        "file": "media/2026/11/a.jpg",
        "original_name": "a.jpg",
        "kind": "image",
        "mime_type": "image/jpeg",
        "size_bytes": 1000,
        "sha256": "0" * 64,
    }
    values.update(kwargs)
    return MediaAsset.objects.create(**values)


def test_check_item_checks_every_variant_with_its_media_and_the_workspace_rules(team: Team) -> None:
    _update(team, banned_words=["murah banget"])
    item = _item(team)
    good = ContentVariant.objects.create(item=item, workspace=team.workspace, platform="instagram", text="Pagi ☕")
    good.media.add(_asset(team))
    bad = ContentVariant.objects.create(
        item=item, workspace=team.workspace, platform="x", text="Kopi murah banget!", hashtags=["#a", "#b", "#c"]
    )
    bad.media.add(_asset(team), _asset(team, kind="video", mime_type="video/mp4", duration_seconds=141))
    result = check_item(item)
    assert result[good.pk] == []
    assert {v.code for v in result[bad.pk]} == {"banned_word", "hashtags_too_many", "media_mixed", "video_too_long"}


def test_submitting_is_refused_while_an_error_remains_and_allowed_with_warnings(team: Team) -> None:
    item = _item(team)
    variant = ContentVariant.objects.create(
        item=item, workspace=team.workspace, platform="instagram", text="#a1 #b1 #c1 #d1 #e1 #f1 Pagi"
    )
    with pytest.raises(ValidationError, match="at most 5 hashtags"):
        approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=item)
    variant.text = "#a1 #b1 Pagi"  # leaves only the warning that a photo is missing
    variant.save()
    assert approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=item).status == "in_review"


@pytest.mark.parametrize(
    ("violation", "expected"),
    [
        (
            Violation("hashtags_too_many", "error", "hashtags", {"platform": "instagram", "limit": 5, "count": 6, "over": 1}),
            "Instagram allows at most 5 hashtags; this has 6. Remove 1.",
        ),
        (
            Violation("banned_word", "error", "text", {"word": "murah banget", "found": "murah banget"}, 33, 45),
            "“murah banget” is a banned word (position 34). Rephrase without it.",
        ),
        (
            Violation(
                "text_too_long",
                "error",
                "text",
                {"platform": "x", "limit": 280, "count": 290, "over": 10, "unit": "x_weighted"},
                279,
                290,
            ),
            "X allows at most 280 characters; this text has 290. Shorten it by 10."
            " (X counts every link as 23 and an emoji as 2.)",
        ),
        (
            Violation("video_too_long", "error", "media", {"platform": "x", "number": 2, "limit": 140, "count": 200.4}),
            "Video 2 lasts 3:20; X allows up to 2:20. Trim it.",
        ),
        (
            Violation(
                "file_too_large",
                "error",
                "media",
                {"platform": "x", "number": 1, "limit": 5 * 1024 * 1024, "count": 6 * 1024 * 1024},
            ),
            "File 1 is 6.0\xa0MB; X takes files of this type up to 5.0\xa0MB. Use a smaller file.",
        ),
        (
            Violation("disclaimer_missing", "error", "text", {"disclaimer": "S&K berlaku.", "kind": "ad"}),
            "This ad needs the disclaimer “S&K berlaku.”; add it to the text.",
        ),
        (
            Violation(
                "text_too_long",
                "error",
                "text",
                {"platform": "facebook", "limit": 63206, "count": 63300, "over": 94},
                63206,
                63300,
            ),
            "Facebook allows at most 63,206 characters; this text has 63,300. Shorten it by 94.",
        ),
        (
            Violation("title_too_long", "warning", "title", {"platform": "email", "limit": 60, "count": 72, "over": 12}, 60, 72),
            "Keep the Email title within 60 characters so it is not cut off; this one has 72.",
        ),
        (
            Violation(
                "text_too_long",
                "error",
                "text",
                {"platform": "youtube", "limit": 5000, "count": 5004, "over": 4, "unit": "utf8_bytes"},
            ),
            "YouTube allows at most 5,000 bytes; this text has 5,004. Shorten it by 4.",
        ),
        (
            Violation("link_not_https", "error", "link", {"url": "http://kopi.id"}),
            "The link http://kopi.id is not secure; change it to start with https://.",
        ),
    ],
)
def test_messages_say_what_is_wrong_and_what_to_do(violation: Violation, expected: str) -> None:
    with translation.override("en"):
        assert violation_message(violation) == expected


def test_every_code_the_checker_produces_has_a_message() -> None:
    codes = [
        *("text_too_long", "text_empty", "title_too_long", "title_missing", "hashtags_too_many", "hashtag_missing"),
        *("media_too_many", "videos_too_many", "media_mixed", "media_missing", "media_type", "video_too_long"),
        *("file_too_large", "banned_word", "disclaimer_missing", "link_not_https", "link_domain", "link_invalid"),
        "platform_unknown",
    ]
    params: dict[str, Any] = {"platform": "x", "limit": 1, "count": 2, "over": 1, "unit": "code_points", "tag": "#a"}
    params |= {"number": 1, "mime_type": "application/pdf", "allowed": ["image/jpeg"], "kind": "ad", "word": "w"}
    params |= {"found": "w", "disclaimer": "d", "url": "http://a.id", "domain": "a.id"}
    for code in codes:
        for severity in ("error", "warning"):
            message = violation_message(Violation(code, severity, "text", params, 0, 1))  # type: ignore[arg-type]
            assert message and message != code, code


def test_where_names_the_field_and_the_position_from_one() -> None:
    with translation.override("en"):
        assert violation_where(Violation("banned_word", "error", "text", {}, 33, 45)) == "Text, position 34–45"
        assert violation_where(Violation("text_too_long", "error", "text", {}, 280, 281)) == "Text, position 281"
        assert violation_where(Violation("media_type", "error", "media", {})) == "Media"
