"""The export page and its downloads (PIs)."""

from django.urls import path

from coding.export import views

urlpatterns = [
    path("projects/<slug:slug>/export/", views.export_page, name="export"),
    path("projects/<slug:slug>/export/events.zip", views.export_zip, name="export-zip"),
    path(
        "projects/<slug:slug>/export/annotations.jsonld",
        views.export_annotations,
        name="export-annotations",
    ),
    path("projects/<slug:slug>/export/project.qdpx", views.export_qdpx, name="export-qdpx"),
    path("projects/<slug:slug>/export/codebook.qdc", views.export_qdc, name="export-qdc"),
]
