"""Testing a Mastodon account reads its instance's limits (GET /api/v2/instance) into the account's settings,
and the editor then checks the account's variants against them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alur.content.selectors.guidelines import variant_checks
from alur.content.services import items
from alur.core.audit import AuditEvent
from alur.core.roles import Role
from alur.publishing import services
from alur.publishing.models import ChannelAccount
from tests.conftest import Team
from tests.publishing.fakes import mastodon as fake


@pytest.fixture
def instance() -> Iterator[fake.FakeMastodon]:
    with fake.FakeMastodon() as server:
        yield server


def test_testing_the_account_stores_the_instances_limits_and_the_editor_uses_them(
    team: Team, instance: fake.FakeMastodon
) -> None:
    manager = team.user(Role.MANAGER)
    account = services.channel_account_create(
        actor=manager,
        workspace=team.workspace,
        platform="mastodon",
        name="Kopi di Mastodon",
        connector="mastodon",
        config={"base_url": instance.url},
        credentials={"access_token": fake.TOKEN},
    )
    item = items.content_create(
        actor=team.user(Role.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Promo",
        variants=[{"platform": "mastodon", "text": "k" * 800, "account_id": account.pk}],
    )
    ((_data, before),) = variant_checks(item).values()
    assert [v.code for v in before] == ["text_too_long"]  # Mastodon's default of 500, until the instance is read

    tested = services.channel_account_test(actor=manager, account=account)

    assert tested.health == ChannelAccount.Health.CONNECTED
    stored = ChannelAccount.objects.get(pk=account.pk).config
    assert stored == {
        "base_url": instance.url,
        "max_characters": 1000,
        "max_media_attachments": 6,
        "characters_reserved_per_url": 23,
    }
    event = AuditEvent.objects.filter(action="channel.test").latest("pk")
    assert event.after["config"]["max_characters"] == 1000
    ((data, after),) = variant_checks(item).values()
    assert after == [] and (data.max_text, data.max_media) == (1000, 6)
