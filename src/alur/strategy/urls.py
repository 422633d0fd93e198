from __future__ import annotations

from django.urls import path

from alur.strategy import views

app_name = "strategy"

urlpatterns = [
    path("w/<slug:slug>/okr/", views.okr_board, name="okr_board"),
    path("w/<slug:slug>/okr/periods/", views.period_create, name="period_create"),
    path("w/<slug:slug>/okr/goals/", views.business_goal_create, name="business_goal_create"),
    path("w/<slug:slug>/okr/alignment/", views.alignment, name="alignment"),
    path("w/<slug:slug>/okr/objectives/new/", views.objective_create, name="objective_create"),
    path("w/<slug:slug>/okr/objectives/<int:objective_id>/", views.objective_detail, name="objective_detail"),
    path("w/<slug:slug>/okr/objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("w/<slug:slug>/okr/objectives/<int:objective_id>/key-results/", views.key_result_create, name="key_result_create"),
    path("w/<slug:slug>/okr/objectives/<int:objective_id>/review/", views.objective_review, name="objective_review"),
    path("w/<slug:slug>/okr/key-results/<int:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path("w/<slug:slug>/okr/key-results/<int:key_result_id>/delete/", views.key_result_delete, name="key_result_delete"),
    path("w/<slug:slug>/okr/key-results/<int:key_result_id>/check-ins/", views.key_result_check_in, name="key_result_check_in"),
]
