"""The workspace-wide pages (start, workspace home, audit log, health check). They read accounts, so they
live in ``config`` on top of the contexts; their URL names keep the ``core:`` namespace."""

from __future__ import annotations

from django.urls import path

from alur.config import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace_home"),
    path("w/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
