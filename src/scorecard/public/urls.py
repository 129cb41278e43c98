from django.urls import path

from scorecard.public import portal_views

urlpatterns = [
    path("c/<str:code>/", portal_views.commune, name="public_commune"),
    path(
        "c/<str:code>/booklet-<int:year>.pdf",
        portal_views.commune_booklet,
        name="public_booklet",
    ),
    path("overview/", portal_views.overview, name="public_overview"),
    path("p/", portal_views.programme_list, name="public_programmes"),
    path("p/<slug:code>/", portal_views.programme, name="public_programme"),
]
