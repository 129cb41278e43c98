from django.urls import path

from scorecard.notify import views as notify_views
from scorecard.public import portal_views, publish_views

urlpatterns = [
    path("c/<str:code>/", portal_views.commune, name="public_commune"),
    path(
        "c/<str:code>/booklet-<int:year>.pdf",
        portal_views.commune_booklet,
        name="public_booklet",
    ),
    path("c/<str:code>/subscribe/", notify_views.commune_subscribe, name="public_subscribe"),
    path("subscription/<str:token>/", notify_views.subscription_link, name="subscription_link"),
    path("telegram/webhook/", notify_views.telegram_webhook, name="telegram_webhook"),
    path("overview/", portal_views.overview, name="public_overview"),
    path("p/", portal_views.programme_list, name="public_programmes"),
    path("p/<slug:code>/", portal_views.programme, name="public_programme"),
    path("rounds/<slug:code>/publish/", publish_views.publish_round, name="round_publish"),
    path("plans/<int:pk>/publish/", publish_views.publish_plan, name="plan_publish"),
]
