from django.urls import path

from scorecard.logframe import views

P = "programmes/<slug:code>/logframe/"
urlpatterns = [
    path("logframe/", views.logframe_index, name="logframe_index"),
    path(P, views.logframe_programme, name="logframe"),
    path(f"{P}load/", views.logframe_load, name="logframe_load"),
    path(f"{P}levels/new/", views.level_new, name="logframe_level_new"),
    path(f"{P}indicators/new/", views.indicator_edit, name="logframe_indicator_new"),
    path(f"{P}narrative.docx", views.download, {"what": "docx"}, name="logframe_docx"),
    path(f"{P}narrative.html", views.download, {"what": "html"}, name="logframe_html"),
    path(f"{P}narrative.md", views.download, {"what": "md"}, name="logframe_md"),
    path(f"{P}iptt.xlsx", views.download, {"what": "iptt"}, name="logframe_iptt"),
    path(f"{P}iati.xml", views.download, {"what": "iati"}, name="logframe_iati"),
    path(f"{P}values.json", views.download, {"what": "json"}, name="logframe_json"),
    path(f"{P}<str:indicator>/", views.logframe_indicator, name="logframe_indicator"),
    path(f"{P}<str:indicator>/edit/", views.indicator_edit, name="logframe_indicator_edit"),
]
