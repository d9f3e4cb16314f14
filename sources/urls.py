from django.urls import path

from . import ingest_views, views

urlpatterns = [
    path("projects/<slug:slug>/sources/", views.source_list, name="source-list"),
    path("projects/<slug:slug>/sources/<id:pk>/", views.source_detail, name="source-detail"),
    # ingestion and assignment (issue 4)
    path("projects/<slug:slug>/sources/add/", ingest_views.add_sources, name="source-add"),
    path("projects/<slug:slug>/sources/assign/", views.source_assign, name="source-assign"),
    path(
        "projects/<slug:slug>/sources/<id:pk>/reextract/",
        views.source_reextract,
        name="source-reextract",
    ),
    path("projects/<slug:slug>/ingest/", ingest_views.job_list, name="ingest-jobs"),
    path("projects/<slug:slug>/ingest/<id:pk>/", ingest_views.job_detail, name="ingest-job"),
    path(
        "projects/<slug:slug>/ingest/<id:pk>/status/",
        ingest_views.job_status,
        name="ingest-job-status",
    ),
]
