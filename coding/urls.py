from django.urls import path

from . import (
    dashboard_views,
    export_views,
    reliability_views,
    review_views,
    views,
    workspace_views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("projects/<slug:slug>/codebook/", views.codebook_detail, name="codebook-detail"),
    path("projects/<slug:slug>/members/add/", views.member_add, name="member-add"),
    path("projects/<slug:slug>/members/<id:pk>/", views.member_update, name="member-update"),
    path("projects/<slug:slug>/members/<id:pk>/remove/", views.member_remove, name="member-remove"),
    path(
        "projects/<slug:slug>/reliability/",
        reliability_views.reliability_page,
        name="reliability",
    ),
    path(
        "projects/<slug:slug>/reliability/status/",
        reliability_views.reliability_status,
        name="reliability-status",
    ),
    path(
        "projects/<slug:slug>/reliability/download/<str:fmt>/",
        reliability_views.reliability_download,
        name="reliability-download",
    ),
    path("queue/", workspace_views.my_queue, name="my-queue"),
    path("projects/<slug:slug>/queue/", workspace_views.coder_queue, name="coder-queue"),
    path(
        "projects/<slug:slug>/sources/<id:pk>/code/",
        workspace_views.workspace,
        name="workspace",
    ),
    # review, adjudication and export (issue 7)
    path("projects/<slug:slug>/review/", review_views.queue, name="review-queue"),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/",
        review_views.review_source,
        name="review-source",
    ),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/decide/",
        review_views.decide,
        name="review-decide",
    ),
    path(
        "projects/<slug:slug>/review/sources/<id:pk>/bulk/",
        review_views.bulk_accept,
        name="review-bulk",
    ),
    path(
        "projects/<slug:slug>/review/decisions/<id:pk>/undo/",
        review_views.undo,
        name="review-undo",
    ),
    path("projects/<slug:slug>/events/", review_views.event_list, name="event-list"),
    path(
        "projects/<slug:slug>/events/<str:event_id>/",
        review_views.event_detail,
        name="event-detail",
    ),
    path(
        "projects/<slug:slug>/events/<str:event_id>/edit/",
        review_views.event_edit,
        name="event-edit",
    ),
    path("projects/<slug:slug>/feedback/", review_views.feedback, name="review-feedback"),
    path("projects/<slug:slug>/export/", export_views.export_page, name="export"),
    path("projects/<slug:slug>/export/events.zip", export_views.export_zip, name="export-zip"),
    path(
        "projects/<slug:slug>/export/annotations.jsonld",
        export_views.export_annotations,
        name="export-annotations",
    ),
    path("projects/<slug:slug>/export/project.qdpx", export_views.export_qdpx, name="export-qdpx"),
    path("projects/<slug:slug>/export/codebook.qdc", export_views.export_qdc, name="export-qdc"),
    # PI dashboard (issue 8)
    path("projects/<slug:slug>/dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "projects/<slug:slug>/dashboard/edge/",
        dashboard_views.dashboard_edge,
        name="dashboard-edge",
    ),
    path(
        "projects/<slug:slug>/dashboard/csv/<str:figure>/",
        dashboard_views.dashboard_csv_view,
        name="dashboard-csv",
    ),
]
