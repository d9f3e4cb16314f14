import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from coding.workspace.api import save_lane  # noqa: E402 (needs the apps loaded)

application = save_lane.wrap(django_application)
