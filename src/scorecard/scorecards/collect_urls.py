"""URLs of collection pages (import jobs, ODK Central pulls, paper entry, the registry)."""

from django.urls import path

from scorecard.scorecards import collect_views, paper_views

urlpatterns = [
    path("rounds/<slug:code>/jobs/<int:pk>/", collect_views.job_detail, name="round_job"),
    path("rounds/<slug:code>/central/", collect_views.central_pull, name="round_central_pull"),
    path("rounds/<slug:code>/paper/", paper_views.paper_list, name="paper_list"),
    path("rounds/<slug:code>/paper/new/", paper_views.paper_new, name="paper_new"),
    path("rounds/<slug:code>/paper/<slug:number>/", paper_views.paper_detail, name="paper_detail"),
    path(
        "rounds/<slug:code>/paper/<slug:number>/resolve/",
        paper_views.paper_resolve,
        name="paper_resolve",
    ),
    path("enumerators/", collect_views.enumerator_list, name="enumerators"),
]
