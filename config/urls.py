from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.converters import IdConverter

handler500 = "config.unavailable.handler500"  # a 503 while the database is unreachable

register_converter(IdConverter, "id")  # before the apps' URLconfs, which use it

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("coding.api.urls")),
    path("", include("sources.urls")),
    path("", include("coding.urls")),
]
