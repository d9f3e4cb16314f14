from django.urls import include, path
from rest_framework.routers import SimpleRouter

from sources.api import views
from sources.feeds.api import FeedViewSet

router = SimpleRouter()
router.register("sources", views.SourceViewSet, basename="api-source")
router.register("ingest-jobs", views.IngestJobViewSet, basename="api-ingest-job")
router.register("feeds", FeedViewSet, basename="api-feed")

urlpatterns = [path("projects/<slug:project_slug>/", include(router.urls))]
