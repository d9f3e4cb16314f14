from django.urls import include, path
from rest_framework.routers import SimpleRouter

from sources.api import views

router = SimpleRouter()
router.register("sources", views.SourceViewSet, basename="api-source")
router.register("ingest-jobs", views.IngestJobViewSet, basename="api-ingest-job")

urlpatterns = [path("projects/<slug:project_slug>/", include(router.urls))]
