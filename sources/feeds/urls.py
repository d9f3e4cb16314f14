"""Feeds a project follows (PIs only)."""

from django.urls import path

from sources.feeds import views

urlpatterns = [
    path("projects/<slug:slug>/feeds/", views.feed_list, name="feed-list"),
    path("projects/<slug:slug>/feeds/<id:pk>/", views.feed_detail, name="feed-detail"),
    path("projects/<slug:slug>/feeds/<id:pk>/edit/", views.feed_edit, name="feed-edit"),
    path(
        "projects/<slug:slug>/feeds/<id:pk>/<str:action>/",
        views.feed_action,
        name="feed-action",
    ),
]
