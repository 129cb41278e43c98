from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from scorecard.audit import views as audit
from scorecard.places import views as places
from scorecard.programmes import views as programmes
from scorecard.public import views as public

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
    path("programmes/<slug:code>/", programmes.programme_detail, name="programme"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
]
