from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Coding studies"

    def ready(self) -> None:
        from coding import logins  # noqa: F401  (token rotation on logout and password change)
