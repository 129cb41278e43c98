from django.urls import path

from scorecard.meetings import views

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("sw.js", views.service_worker, name="meeting_sw"),
    path("manifest.webmanifest", views.manifest, name="meeting_manifest"),
    path("<uuid:uuid>/", views.meeting_detail, name="meeting"),
    path("<uuid:uuid>/run/", views.meeting_run, name="meeting_run"),
    path("<uuid:uuid>/bundle.json", views.meeting_bundle, name="meeting_bundle"),
    path("<uuid:uuid>/sync/", views.meeting_sync, name="meeting_sync"),
    path("<uuid:uuid>/review/", views.meeting_review, name="meeting_review"),
    path("<uuid:uuid>/interface/", views.meeting_interface, name="meeting_interface"),
    path("<uuid:uuid>/qr/", views.meeting_qr, name="meeting_qr"),
    path("vote/<str:token>/", views.meeting_vote, name="meeting_vote"),
    path("<uuid:uuid>/media/<int:pk>/<str:what>/", views.meeting_media, name="meeting_media"),
]
