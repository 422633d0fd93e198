"""Background entry points of analytics: running an uploaded import."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run(import_id: int) -> None:
    from alur.analytics.services.imports import import_process

    import_process(import_id)
