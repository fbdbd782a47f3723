from django.core.management.base import BaseCommand, CommandError

from newsroom.portability import ExportError, content_export


class Command(BaseCommand):
    help = "Write every story (with revisions), topic, outlet, feed, article and question to FILE as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the export; '-' for standard output.")

    def handle(self, *args, file, **options):
        try:
            text = content_export()
        except ExportError as exc:
            raise CommandError(f"Nothing exported: {exc}") from exc
        if file == "-":
            self.stdout.write(text)
        else:
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Exported to {file}.")
