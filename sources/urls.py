from django.urls import include, path

from sources import views

urlpatterns = [
    path("projects/<slug:slug>/sources/", views.source_list, name="source-list"),
    path("", include("sources.jobs.urls")),
    path("", include("sources.feeds.urls")),  # before <id:pk>/ so that sources/add/ is not an id
    path("projects/<slug:slug>/sources/<id:pk>/", views.source_detail, name="source-detail"),
    path("projects/<slug:slug>/sources/assign/", views.source_assign, name="source-assign"),
    path(
        "projects/<slug:slug>/sources/<id:pk>/restore-line/",
        views.source_restore_line,
        name="source-restore-line",
    ),
    path(
        "projects/<slug:slug>/sources/<id:pk>/mark-line/",
        views.source_mark_line,
        name="source-mark-line",
    ),
    path(
        "projects/<slug:slug>/sources/<id:pk>/reextract/",
        views.source_reextract,
        name="source-reextract",
    ),
]
