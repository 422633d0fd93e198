from __future__ import annotations

from django.urls import path

from alur.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace_home"),
    path("w/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
