"""The reliability report page, its status and downloads (PIs)."""

from django.urls import path

from coding.reliability import views

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
]
