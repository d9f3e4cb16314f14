from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.converters import IdConverter

register_converter(IdConverter, "id")  # before the apps' URLconfs, which use it

handler400 = "config.errors.bad_request"  # JSON under /api/, the usual pages elsewhere
handler404 = "config.errors.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("coding.api.urls")),
    path("", include("sources.urls")),
    path("", include("coding.urls")),
]
