from django.urls import path

from scorecard.quality import views

urlpatterns = [
    path("rounds/<slug:code>/quality/", views.dashboard, name="round_quality"),
    path(
        "rounds/<slug:code>/quality/enumerators/<str:enumerator>/",
        views.enumerator_detail,
        name="round_quality_enumerator",
    ),
    path("rounds/<slug:code>/quality.<str:fmt>", views.download, name="round_quality_download"),
]
