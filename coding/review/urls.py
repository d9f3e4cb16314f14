"""Review, adjudication and events (PIs), and a coder's feedback page."""

from django.urls import path

from coding.review import views

urlpatterns = [
    path("projects/<slug:slug>/review/", views.queue, name="review-queue"),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/",
        views.review_source,
        name="review-source",
    ),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/decide/",
        views.decide,
        name="review-decide",
    ),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/bulk/",
        views.bulk_accept,
        name="review-bulk",
    ),
    path(
        "projects/<slug:slug>/review/decisions/<id:pk>/undo/",
        views.undo,
        name="review-undo",
    ),
    path("projects/<slug:slug>/events/", views.event_list, name="event-list"),
    path(
        "projects/<slug:slug>/events/<event_id:event_id>/",
        views.event_detail,
        name="event-detail",
    ),
    path(
        "projects/<slug:slug>/events/<event_id:event_id>/edit/",
        views.event_edit,
        name="event-edit",
    ),
    path("projects/<slug:slug>/feedback/", views.feedback, name="review-feedback"),
]
