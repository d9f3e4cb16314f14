"""The core pages (projects, members, codebook, health) and each capability's URLs."""

from django.urls import include, path

from coding import views

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
    path("", include("coding.detection.urls")),
    path("", include("coding.screening.urls")),
    path("", include("coding.suggestions.urls")),
    path("", include("coding.reliability.urls")),
    path("", include("coding.workspace.urls")),
    path("", include("coding.review.urls")),
    path("", include("coding.export.urls")),
    path("", include("coding.dashboard.urls")),
]
