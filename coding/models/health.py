from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by a Celery task, so the health page proves a worker really runs tasks."""

    hostname = models.CharField(max_length=255)
    token = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.at:%Y-%m-%d %H:%M:%S}"
