"""URLs of the coding workspace API, under /api/projects/<slug>/."""

from django.urls import path

from coding.workspace.api import views

urlpatterns = [
    path(
        "sources/<id:source_pk>/codings/",
        views.SourceCodingsView.as_view(),
        name="api-source-codings",
    ),
    path("codings/<id:pk>/", views.CodingDetailView.as_view(), name="api-coding"),
    path(
        "sources/<id:source_pk>/done/",
        views.AssignmentStatusView.as_view(action="done"),
        name="api-source-done",
    ),
    path(
        "sources/<id:source_pk>/reopen/",
        views.AssignmentStatusView.as_view(action="reopen"),
        name="api-source-reopen",
    ),
    path("my-assignments/", views.MyAssignmentsView.as_view(), name="api-my-assignments"),
]
