from django.urls import path

from scorecard.plans import views, views_edit, views_files, views_priorities

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_new, name="plan_new"),
    path("import/", views_files.plan_import, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/priorities/", views_priorities.plan_priorities, name="plan_priorities"),
    path("<int:pk>/actions/new/", views.action_new, name="plan_action_new"),
    path("<int:pk>/print/", views_files.plan_print, name="plan_print"),
    path("<int:pk>/jaap.pdf", views_files.plan_pdf, name="plan_pdf"),
    path("<int:pk>/actions.csv", views_files.plan_export, {"fmt": "csv"}, name="plan_csv"),
    path("<int:pk>/actions.xlsx", views_files.plan_export, {"fmt": "xlsx"}, name="plan_xlsx"),
    path(
        "<int:pk>/effects.csv",
        views_files.plan_effects_export,
        {"fmt": "csv"},
        name="plan_effects_csv",
    ),
    path(
        "<int:pk>/effects.xlsx",
        views_files.plan_effects_export,
        {"fmt": "xlsx"},
        name="plan_effects_xlsx",
    ),
    path("actions/<int:pk>/", views.action_detail, name="plan_action"),
    path("actions/<int:pk>/edit/", views_edit.action_edit, name="plan_action_edit"),
    path(
        "contributions/<int:pk>/edit/", views_edit.contribution_edit, name="plan_contribution_edit"
    ),
    path(
        "contributions/<int:pk>/delete/",
        views_edit.contribution_delete,
        name="plan_contribution_delete",
    ),
    path("evidence/<int:pk>/edit/", views_edit.evidence_edit, name="plan_evidence_edit"),
    path("evidence/<int:pk>/delete/", views_edit.evidence_delete, name="plan_evidence_delete"),
    path("actions/<int:pk>/progress/", views.action_progress, name="plan_action_progress"),
    path(
        "actions/<int:pk>/contributions/",
        views.action_contribution,
        name="plan_action_contribution",
    ),
    path("actions/<int:pk>/evidence/", views_files.action_evidence, name="plan_action_evidence"),
    path("evidence/<int:pk>/", views_files.evidence_file, name="plan_evidence"),
]
