from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.converters import IdConverter

register_converter(IdConverter, "id")  # before the apps' URLconfs, which use it

urlpatterns = [
    path("admin/", admin.site.urls),
    # browsers ask for /favicon.ico whatever the page links; answer with the static icon
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("coding.api.urls")),
    path("", include("sources.urls")),
    path("", include("coding.urls")),
]
