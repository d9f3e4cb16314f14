from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Coding studies"

    def ready(self) -> None:
        from coding import logins  # noqa: F401  (token rotation on logout and password change)
        from coding.screening import signals  # noqa: F401  (connects the new-source hook)
        from coding.suggestions import signals as retraining  # noqa: F401  (after approvals)
