"""The PI's suggestions page."""

from django.urls import path

from coding.suggestions import views

urlpatterns = [
    path("projects/<slug:slug>/suggestions/", views.suggestions_page, name="suggestions"),
    path(
        "projects/<slug:slug>/suggestions/retrain/",
        views.suggestions_retrain,
        name="suggestions-retrain",
    ),
]
