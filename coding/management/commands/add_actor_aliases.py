"""Add the shipped actor names (coding/data/actor_aliases.json) to codebooks' actors."""

from django.core.management.base import BaseCommand

from coding.detection.codebooks import add_shipped_aliases


class Command(BaseCommand):
    help = "Add the shipped aliases to actors with the same ISO3 (all codebooks, or --codebook)."

    def add_arguments(self, parser):
        parser.add_argument("--codebook", type=int, action="append", help="codebook id")

    def handle(self, *args, codebook=None, **options):
        changed = add_shipped_aliases(codebook)
        self.stdout.write(f"{changed} actor(s) got new aliases.")
