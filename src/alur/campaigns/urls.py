from __future__ import annotations

from django.urls import path

from alur.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("w/<slug:slug>/campaigns/", views.campaign_list, name="campaign_list"),
    path("w/<slug:slug>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("w/<slug:slug>/campaigns/workflow/", views.workflow_page, name="workflow"),
    path("w/<slug:slug>/campaigns/workflows/<int:definition_id>/edit/", views.workflow_edit, name="workflow_edit"),
    path("w/<slug:slug>/campaigns/initiatives/", views.initiatives, name="initiatives"),
    path("w/<slug:slug>/campaigns/capacity/", views.capacity, name="capacity"),
    path("w/<slug:slug>/campaigns/playbooks/", views.playbooks, name="playbooks"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/playbook/", views.playbook_apply, name="playbook_apply"),
    path("w/<slug:slug>/campaigns/capacity/hint/", views.capacity_hint, name="capacity_hint"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/tasks/", views.task_board, name="task_board"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/timeline/", views.task_timeline, name="task_timeline"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/tasks/<int:task_id>/move/", views.task_move, name="task_move"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/tasks/dependencies/", views.task_dependency, name="task_dependency"),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/tasks/<int:task_id>/dependencies/<int:depends_on_id>/remove/",
        views.task_dependency_remove,
        name="task_dependency_remove",
    ),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/tasks/<int:task_id>/checklist/", views.task_checklist, name="task_checklist"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/brief/", views.brief_save, name="brief_save"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/outputs/", views.output_save, name="output_save"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/checklist/", views.checklist_toggle, name="checklist_toggle"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/budget/", views.budget_save, name="budget_save"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/approval/request/", views.approval_request, name="approval_request"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/approval/decide/", views.approval_decide, name="approval_decide"),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/budget/requests/<int:request_id>/",
        views.budget_request_decide,
        name="budget_request_decide",
    ),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/launch-plan/", views.launch_plan_save, name="launch_plan_save"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/risks/", views.risk_add, name="risk_add"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/raci/", views.raci_save, name="raci_save"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/advance/", views.advance, name="advance"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/kpi-review/", views.kpi_review, name="kpi_review"),
]
