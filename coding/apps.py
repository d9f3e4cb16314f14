from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Coding studies"

    def ready(self) -> None:
        from coding.screening import signals  # noqa: F401  (connects the new-source hook)
        from coding.suggestions import signals as retraining  # noqa: F401  (after approvals)
