"""New sources of a project that requires screening go to the screening queue, whichever way
they were added (ingestion job, API, admin, re-extraction); a new suggestion model rescores the
open ones (its relevance replaces the co-mention score)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from coding.screening.decisions import rescore, send_to_screening
from coding.suggestions.training import model_ready
from sources.models import Source


@receiver(post_save, sender=Source, dispatch_uid="screen-new-sources")
def screen_new_source(sender, instance: Source, created: bool, raw: bool = False, **kwargs):
    if created and not raw and instance.project.screening_required:
        send_to_screening(instance.project, [instance])


@receiver(model_ready, dispatch_uid="rescore-screening-with-the-model")
def rescore_with_the_model(sender, project, **kwargs):
    rescore(project)
