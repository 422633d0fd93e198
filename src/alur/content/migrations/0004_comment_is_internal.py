"""Comments get an internal flag: the team's comments stay internal, clients' comments (by review link or
by a member with the client role) and the replies in their threads are visible to clients."""

from typing import Any

from django.db import migrations, models


def mark_client_threads(apps: Any, schema_editor: Any) -> None:
    Comment = apps.get_model("content", "Comment")
    Membership = apps.get_model("accounts", "Membership")
    clients = Membership.objects.filter(role="client")
    by_clients = Comment.objects.filter(client_link__isnull=False)
    for membership in clients.values("workspace_id", "user_id"):
        by_clients = by_clients | Comment.objects.filter(workspace_id=membership["workspace_id"], author_id=membership["user_id"])
    roots = {comment.parent_id or comment.pk for comment in by_clients}
    Comment.objects.filter(models.Q(pk__in=roots) | models.Q(parent_id__in=roots)).update(is_internal=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("content", "0003_mastodon_telegram"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="is_internal",
            field=models.BooleanField(default=True, verbose_name="internal (team only)"),
        ),
        migrations.RunPython(mark_client_threads, migrations.RunPython.noop),
    ]
