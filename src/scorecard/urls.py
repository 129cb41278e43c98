from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from scorecard.audit import views as audit
from scorecard.places import views as places
from scorecard.programmes import views as programmes
from scorecard.public import views as public
from scorecard.scorecards import results_views
from scorecard.scorecards import round_views as round_edits
from scorecard.scorecards import views as rounds

urlpatterns = [
    path("", public.home, name="home"),
    path("dashboard/", public.dashboard, name="dashboard"),
    path("display/digits/", public.set_digits, name="set_digits"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("places/", places.search, name="place_search"),
    path("places/communes/<str:code>/", places.commune, name="commune"),
    path("programmes/", programmes.programme_list, name="programmes"),
    path("programmes/new/", programmes.programme_new, name="programme_new"),
    path("programmes/<slug:code>/", programmes.programme_detail, name="programme"),
    path("programmes/<slug:code>/edit/", programmes.programme_edit, name="programme_edit"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", round_edits.round_create, name="round_new"),
    path("rounds/<slug:code>/status/", round_edits.round_status, name="round_status"),
    path("rounds/<slug:code>/", rounds.round_detail, name="round"),
    path("rounds/<slug:code>/form.xlsx", rounds.round_form, name="round_form"),
    path("rounds/<slug:code>/import/", rounds.round_import, name="round_import"),
    path("rounds/<slug:code>/imports/<int:pk>/", rounds.import_detail, name="round_import_detail"),
    path(
        "rounds/<slug:code>/imports/<int:pk>/rejects.csv",
        rounds.import_rejects,
        name="round_rejects",
    ),
    path("rounds/<slug:code>/conflicts/", rounds.conflict_list, name="round_conflicts"),
    path("rounds/<slug:code>/results/", results_views.results_page, name="round_results"),
    path(
        "rounds/<slug:code>/results.<str:fmt>",
        results_views.results_download,
        name="round_results_download",
    ),
    path(
        "rounds/<slug:code>/conflicts/<int:pk>/",
        rounds.conflict_resolve,
        name="round_conflict_resolve",
    ),
    path("plans/", include("scorecard.plans.urls")),
    path("", include("scorecard.needs.urls")),  # needs and claims: themes, quotes
    path("meetings/", include("scorecard.meetings.urls")),
    path("api/kobo/<slug:code>/<str:token>/", rounds.kobo_push, name="kobo_push"),
    path("api/v1/", include("scorecard.api.urls")),
    path("", include("scorecard.events.urls")),  # events, participants, I4C, booklets
    path("", include("scorecard.public.urls")),  # public portal: communes, overview, programmes
    path("", include("scorecard.quality.urls")),  # enumerator quality checks of rounds
    path("", include("scorecard.logframe.urls")),  # results framework, donor reports
    path("", include("scorecard.scorecards.collect_urls")),  # jobs, Central, paper, registry
]
