from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self) -> None:
        from sources.search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="sources.search_fold")
