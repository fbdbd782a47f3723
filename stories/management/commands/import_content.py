from django.core.management.base import BaseCommand, CommandError

from newsroom.portability import ImportError_, content_import


class Command(BaseCommand):
    help = "Load a file written by export_content into an empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="An export_content file.")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                count = content_import(handle.read())
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}") from exc
        except ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported {count} rows from {file}.")
