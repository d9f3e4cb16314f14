from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter, SimpleRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("codebooks", views.CodebookViewSet, basename="codebook")

members = SimpleRouter()
members.register("members", views.MembershipViewSet, basename="membership")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("projects/<slug:project_slug>/", include(members.urls)),
    path("", include(router.urls)),
]
