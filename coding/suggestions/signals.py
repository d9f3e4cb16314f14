"""Approvals count towards retraining: each new piece of event evidence is an approved coding."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from coding.models import EventEvidence
from coding.suggestions.retraining import retrain_if_due


@receiver(post_save, sender=EventEvidence, dispatch_uid="retrain-suggestions")
def approval_added(sender, instance: EventEvidence, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        retrain_if_due(instance.event.project)
