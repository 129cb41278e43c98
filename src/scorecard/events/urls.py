from django.urls import path

from scorecard.events import budget_views, i4c_views, views

urlpatterns = [
    path("programmes/<slug:code>/events/", views.event_list, name="events"),
    path("programmes/<slug:code>/events/new/", views.event_new, name="event_new"),
    path("programmes/<slug:code>/events/import/", views.event_import, name="event_import"),
    path("programmes/<slug:code>/events/<str:event>/", views.event_detail, name="event"),
    path(
        "programmes/<slug:code>/events/<str:event>/attend/",
        views.event_attend,
        name="event_attend",
    ),
    path("i4c/", i4c_views.i4c_index, name="i4c"),
    path("i4c/standards/", i4c_views.standard_list, name="i4c_standards"),
    path("i4c/budget/import/", budget_views.budget_import, name="i4c_budget_import"),
    path("i4c/<str:code>/<int:year>/", i4c_views.i4c_commune, name="i4c_commune"),
    path("i4c/<str:code>/<int:year>/budget/", i4c_views.budget_edit, name="i4c_budget"),
    path("i4c/<str:code>/<int:year>/standards/", i4c_views.standards_edit, name="i4c_actuals"),
    path("i4c/<str:code>/<int:year>/booklet.pdf", i4c_views.booklet, name="i4c_booklet"),
]
