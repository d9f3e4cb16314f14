"""The reliability report page, its status and downloads (PIs)."""

from django.urls import path

from coding.reliability import rounds, views

urlpatterns = [
    path(
        "projects/<slug:slug>/reliability/",
        views.reliability_page,
        name="reliability",
    ),
    path(
        "projects/<slug:slug>/reliability/status/",
        views.reliability_status,
        name="reliability-status",
    ),
    path(
        "projects/<slug:slug>/reliability/download/<str:fmt>/",
        views.reliability_download,
        name="reliability-download",
    ),
    path("projects/<slug:slug>/calibration/", rounds.calibration_page, name="calibration"),
    path(
        "projects/<slug:slug>/calibration/sources/<id:pk>/",
        rounds.calibration_comparison,
        name="calibration-comparison",
    ),
]
