from django.urls import include, path, re_path
from django.utils.html import format_html
from rest_framework.routers import APIRootView, DefaultRouter, SimpleRouter

from coding.api import views
from coding.logins import TokenView
from coding.review.api import EventViewSet
from config.errors import api_route_not_found

ROOT_DESCRIPTION = (
    "The study's REST API: projects, codebooks, and under each project its sources, ingestion "
    "jobs, codings, members, events, screening and suggestions. Every route with its "
    "parameters is in the API documentation (/api/docs/; the OpenAPI schema: /api/schema/). "
    "Log in, or send the header “Authorization: Token <key>” (POST /api/auth/token/)."
)


class APIRoot(APIRootView):
    """The API's root, described in place of DRF's placeholder."""

    def get_view_description(self, html: bool = False) -> str:
        return format_html("<p>{}</p>", ROOT_DESCRIPTION) if html else ROOT_DESCRIPTION


class Router(DefaultRouter):
    APIRootView = APIRoot


router = Router()
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("codebooks", views.CodebookViewSet, basename="api-codebook")

members = SimpleRouter()
members.register("members", views.MembershipViewSet, basename="api-membership")
members.register("events", EventViewSet, basename="api-event")  # review and export (issue 7)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("projects/<slug:project_slug>/", include("coding.workspace.api.urls")),  # saves: first
    path("projects/<slug:project_slug>/", include(members.urls)),
    path("projects/<slug:project_slug>/", include("coding.screening.api")),
    path("projects/<slug:project_slug>/", include("coding.suggestions.api")),
    path("", include("sources.api.urls")),  # sources and ingestion jobs (issue 4)
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*/)$", api_route_not_found),  # last: JSON, DEBUG or not
]
