"""New sources of a project that requires screening go to the screening queue, whichever way
they were added (ingestion job, API, admin, re-extraction)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from coding.screening.decisions import send_to_screening
from sources.models import Source


@receiver(post_save, sender=Source, dispatch_uid="screen-new-sources")
def screen_new_source(sender, instance: Source, created: bool, raw: bool = False, **kwargs):
    if created and not raw and instance.project.screening_required:
        send_to_screening(instance.project, [instance])
