"""Adding sources and following their ingestion jobs (PIs, and coders a project allows)."""

from django.urls import path

from sources.jobs import views

urlpatterns = [
    path("projects/<slug:slug>/sources/add/", views.add_sources, name="source-add"),
    path("projects/<slug:slug>/ingest/", views.job_list, name="ingest-jobs"),
    path("projects/<slug:slug>/ingest/<id:pk>/", views.job_detail, name="ingest-job"),
    path("projects/<slug:slug>/ingest/<id:pk>/status/", views.job_status, name="ingest-job-status"),
    path("projects/<slug:slug>/ingest/<id:pk>/retry/", views.job_retry, name="ingest-job-retry"),
    path("projects/<slug:slug>/ingest/<id:pk>/cancel/", views.job_cancel, name="ingest-job-cancel"),
    path(
        "projects/<slug:slug>/ingest/<id:pk>/items/<int:position>/discard/",
        views.item_discard,
        name="ingest-item-discard",
    ),
    path(
        "projects/<slug:slug>/ingest/<id:pk>/items/<int:position>/encoding/",
        views.item_encoding,
        name="ingest-item-encoding",
    ),
]
