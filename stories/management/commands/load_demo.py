from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from stories.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo story (the seed page) with its outlets, topics and questions, published. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Also create a demo superuser (admin / newsroom-demo) on the embedded default database.",
        )

    def handle(self, *args, admin=False, **options):
        report = demo_load()
        if report.changed:
            for line in report.created:
                self.stdout.write(f"created {line}")
            for line in report.updated:
                self.stdout.write(f"updated {line}")
            for line in report.published:
                self.stdout.write(f"published {line}")
        else:
            self.stdout.write("Demo content is up to date; nothing changed.")
        if admin:
            self._demo_admin()

    def _demo_admin(self):
        if settings.USING_POSTGRES:
            self.stderr.write("Not creating a demo admin on PostgreSQL; use createsuperuser.")
            return
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", "newsroom-demo")
            self.stdout.write("created demo admin account")
