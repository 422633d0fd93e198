"""Demo data of publishing: the publication history of the demo's past content (what the worker would
have recorded: published posts with their platform links, one failure with the platform's reason) and
posting slots for "add to queue". The demo accounts have no connector (no real credentials exist), so
future posts wait for a person to connect an account under Publishing."""

from __future__ import annotations

import datetime as dt
import zlib

from alur.accounts.models import User, Workspace
from alur.content.models import ContentItem
from alur.publishing.models import ChannelAccount, Post, PublishAttempt
from alur.publishing.scheduler import new_key
from alur.publishing.services import channel_account_create

ACCOUNTS = (
    ("instagram", "Kopi Nusantara", "@kopinusantara"),
    ("facebook", "Kopi Nusantara", "facebook.com/kopinusantara"),
    ("x", "Kopi Nusantara", "@kopinusantara"),
    ("linkedin", "PT Kopi Nusantara Jaya", "linkedin.com/company/kopinusantara"),
    ("tiktok", "Kopi Nusantara", "@kopinusantara.id"),
    ("email", "Newsletter Sahabat Kopi", "sahabat@kopinusantara.id"),
    ("blog", "Blog Kopi Nusantara", "kopinusantara.id/blog"),
)

SLOTS = {
    "instagram": [{"weekday": d, "time": "19:00"} for d in (0, 2, 4)] + [{"weekday": 5, "time": "10:00"}],
    "tiktok": [{"weekday": d, "time": "20:00"} for d in (1, 3, 5)],
    "x": [{"weekday": d, "time": "08:00"} for d in range(5)],
    "facebook": [{"weekday": d, "time": "12:00"} for d in (0, 3)],
    "linkedin": [{"weekday": 1, "time": "09:00"}],
    "email": [{"weekday": 3, "time": "07:00"}],
}
URLS = {
    "instagram": "https://www.instagram.com/p/{id}/",
    "facebook": "https://www.facebook.com/{id}",
    "x": "https://x.com/kopinusantara/status/{id}",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:share:{id}",
    "tiktok": "https://www.tiktok.com/@kopinusantara/video/{id}",
    "youtube": "https://www.youtube.com/watch?v={id}",
}
FAILURE = "Instagram refused the post: (#9004) The media could not be fetched from this URI; the image link has expired."


def publishing_demo_accounts(workspace: Workspace, manager: User) -> dict[str, ChannelAccount]:
    """The demo's channel accounts by platform (created once) with their posting slots."""
    found = {a.platform: a for a in ChannelAccount.objects.filter(workspace=workspace)}
    for platform, name, handle in ACCOUNTS:
        if platform not in found:
            found[platform] = channel_account_create(
                actor=manager, workspace=workspace, platform=platform, name=name, handle=handle
            )
    seed_slots(found)
    return found


def seed_slots(accounts: dict[str, ChannelAccount]) -> None:
    for platform, account in accounts.items():
        if not account.queue_slots and platform in SLOTS:
            ChannelAccount.objects.filter(pk=account.pk).update(queue_slots=SLOTS[platform])


def record_history(item: ContentItem, failed: bool) -> None:
    """Posts and attempt logs for a past item, as the scheduler records them."""
    if item.publish_at is None or Post.objects.filter(item=item).exists():
        return
    for number, variant in enumerate(item.variants.select_related("account").order_by("pk"), start=1):
        if variant.account is None:
            continue
        fails = failed and variant.platform == "instagram"
        external = f"{item.pk}{number:02d}{zlib.crc32(variant.platform.encode()) % 10**8}"
        finished = item.publish_at + dt.timedelta(seconds=2 + number)
        post = Post.objects.create(
            workspace_id=item.workspace_id,
            item=item,
            variant=variant,
            account=variant.account,
            platform=variant.platform,
            status=Post.Status.FAILED if fails else Post.Status.PUBLISHED,
            publish_at=item.publish_at,
            next_attempt_at=item.publish_at,
            attempts=1,
            idempotency_key=new_key(),
            external_id="" if fails else external,
            external_url="" if fails else URLS.get(variant.platform, "").format(id=external),
            last_error=FAILURE if fails else "",
            error_kind="permanent" if fails else "",
            published_at=None if fails else finished,
            created_at=item.publish_at - dt.timedelta(days=1),
            updated_at=finished,
        )
        PublishAttempt.objects.create(
            post=post,
            number=1,
            worker="alur-demo:1",
            outcome=PublishAttempt.Outcome.FAILED if fails else PublishAttempt.Outcome.PUBLISHED,
            request_summary={"platform": variant.platform, "text": variant.text[:280], "link": variant.link},
            response_summary="HTTP 400 (#9004)" if fails else f"{external} {post.external_url}",
            error=FAILURE if fails else "",
            started_at=item.publish_at,
            finished_at=finished,
        )
