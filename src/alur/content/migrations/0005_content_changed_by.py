"""Who last changed an item's content: they may not approve it (alur.core.policy, forbid_own)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The author of each item's newest version (every content change records one), else its creator."""
    ContentItem = apps.get_model("content", "ContentItem")
    ContentVersion = apps.get_model("content", "ContentVersion")
    newest = ContentVersion.objects.filter(item=OuterRef("pk"), created_by__isnull=False).order_by("-number")
    ContentItem.objects.update(content_changed_by=Subquery(newest.values("created_by")[:1]))
    ContentItem.objects.filter(content_changed_by__isnull=True).update(content_changed_by=models.F("created_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_comment_is_internal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contentitem",
            name="content_changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
