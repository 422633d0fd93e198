"""The media library in Chromium: upload an image and a spoofed file with the htmx form, see each outcome,
the thumbnail served through the guarded address (under the strict Content Security Policy), and the
asset's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alur.accounts.models import User
from alur.content.models import MediaAsset
from alur.core.roles import Role
from tests.browser.conftest import CHROMIUM, screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team
from tests.content import media_samples as samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed."),
]


def test_upload_see_refusal_and_thumbnail_then_open_the_asset(
    page: Any, live_server: Any, team: Team, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    creator = team.user(Role.CONTENT_CREATOR)
    User.objects.filter(pk=creator.pk).update(language="en")
    sign_in(page, live_server, creator.email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.goto(f"{live_server.url}/w/{team.workspace.slug}/content/media/")
    page.get_by_test_id("media-empty").wait_for()
    page.set_input_files(
        "#media-files",
        [
            {"name": "kopi-susu.png", "mimeType": "image/png", "buffer": samples.image_bytes("PNG", (900, 600))},
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": samples.PDF},
        ],
    )
    page.fill("#media-tags", "Ramadan, produk")
    page.get_by_test_id("media-upload").click()
    page.locator("[data-status=uploaded]").wait_for()
    assert "photo.jpg is not an image or video Alur accepts" in page.locator("[data-status=refused]").inner_text()
    thumbnail = page.get_by_test_id("media-card").locator("img")
    thumbnail.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=media-card] img').naturalWidth > 0")
    assert page.locator("progress.alur-upload-progress").is_hidden()
    assert page.get_by_test_id("media-tags").get_by_text("#ramadan").is_visible()
    screenshot(page, "media-01-library")
    # Search and tag chips refresh the grid in place; the chosen tag travels with the next search.
    page.get_by_test_id("media-tags").get_by_text("#ramadan").click()
    page.wait_for_url("**tag=ramadan**")
    page.fill("#media-q", "nothing like this")
    page.get_by_test_id("media-empty").wait_for()
    assert "tag=ramadan" in page.url
    page.fill("#media-q", "kopi")
    page.get_by_test_id("media-card").wait_for()
    asset = MediaAsset.objects.get()
    assert asset.tags == ["ramadan", "produk"]
    page.get_by_test_id("media-card").click()
    page.get_by_test_id("media-preview").locator("img").wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=media-preview] img').naturalWidth === 900")
    screenshot(page, "media-02-asset")
    assert page.console_errors == []
