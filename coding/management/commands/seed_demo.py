from django.core.management.base import BaseCommand

from coding.demo import DEMO_ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = "Load the default codebook and the demo project with its accounts (idempotent)."

    def handle(self, *args, **options):
        project = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo project “{project.name}”: {project.sources.count()} sources.")
        )
        self.stdout.write("Demo accounts (username / password / role):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<8} {account.password:<18} {account.role}")
