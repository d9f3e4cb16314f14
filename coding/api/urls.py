from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from coding.api import views
from coding.logins import TokenView
from coding.review.api import EventViewSet

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("codebooks", views.CodebookViewSet, basename="codebook")

members = SimpleRouter()
members.register("members", views.MembershipViewSet, basename="membership")
members.register("events", EventViewSet, basename="event")  # review and export (issue 7)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("projects/<slug:project_slug>/", include("coding.workspace.api.urls")),  # saves: first
    path("projects/<slug:project_slug>/", include(members.urls)),
    path("projects/<slug:project_slug>/", include("coding.screening.api")),
    path("projects/<slug:project_slug>/", include("coding.suggestions.api")),
    path("", include("sources.api.urls")),  # sources and ingestion jobs (issue 4)
    path("", include(router.urls)),
]
