from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path

from scorecard.api import views
from scorecard.api.openapi import document


def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("openapi.json", openapi, name="api_openapi"),
    path("rounds/", views.round_list, name="api_rounds"),
    path("rounds/<slug:code>/", views.round_detail, name="api_round"),
    path("rounds/<slug:code>/results/", views.round_results_view, name="api_round_results"),
    path("rounds/<slug:code>/comparison/", views.round_comparison, name="api_round_comparison"),
    path("rounds/<slug:code>/submissions/", views.round_submission, name="api_submissions"),
    path("plans/", views.plan_list, name="api_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="api_plan"),
    path("actions/", views.action_list, name="api_actions"),
    path("actions/<int:pk>/", views.action_detail, name="api_action"),
    path("actions/<int:pk>/progress/", views.action_progress, name="api_action_progress"),
    path(
        "actions/<int:pk>/contributions/",
        views.action_contribution,
        name="api_action_contributions",
    ),
    path("contributions/", views.contribution_list, name="api_contributions"),
    path("events/", views.event_list, name="api_events"),
    path("programmes/<slug:code>/logframe/", views.logframe_values, name="api_logframe"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found, name="api_not_found"),
]
