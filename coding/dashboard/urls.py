"""The PI dashboard, its edge events and per-figure CSVs."""

from django.urls import path

from coding.dashboard import views

urlpatterns = [
    path("projects/<slug:slug>/dashboard/", views.dashboard_page, name="dashboard"),
    path(
        "projects/<slug:slug>/dashboard/edge/",
        views.dashboard_edge,
        name="dashboard-edge",
    ),
    path(
        "projects/<slug:slug>/dashboard/csv/<str:figure>/",
        views.dashboard_csv_view,
        name="dashboard-csv",
    ),
]
