from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.converters import EventIdConverter, IdConverter

handler500 = "config.unavailable.handler500"  # a 503 while the database is unreachable

register_converter(IdConverter, "id")  # before the apps' URLconfs, which use them
register_converter(EventIdConverter, "event_id")

handler400 = "config.errors.bad_request"  # JSON under /api/, the usual pages elsewhere
handler404 = "config.errors.not_found"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them the static icon (its
    hashed name is looked up when asked, not when the URLconf loads)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [  # the API first: its saves are the requests most often resolved (issue 20)
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(  # a page for people: the anonymous are sent to log in, as on every page
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", http_method_names=["get", "head"]
            )
        ),
        name="api-docs",
    ),
    path("api/", include("coding.api.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("sources.urls")),
    path("", include("coding.urls")),
]
