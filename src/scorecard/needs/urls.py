from django.urls import path

from scorecard.needs import views

urlpatterns = [
    path("rounds/<slug:code>/needs/", views.round_needs, name="round_needs"),
    path("rounds/<slug:code>/needs/classify/", views.classify, name="round_needs_classify"),
    path("rounds/<slug:code>/needs/quotes/<int:pk>/", views.quote_edit, name="needs_quote"),
    path("needs/themes/", views.theme_list, name="needs_themes"),
    path("needs/themes/<int:pk>/", views.theme_edit, name="needs_theme"),
]
