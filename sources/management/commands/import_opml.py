from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.models import Outlet
from sources.opml import MAX_BYTES, OpmlError, opml_import


class Command(BaseCommand):
    help = (
        "Import an OPML feed list: one feed per outline with an xmlUrl, grouped into outlets by site "
        "(created when missing). Feeds already present are left alone, so re-running is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Path to the .opml file.")
        parser.add_argument("--outlet", metavar="SLUG", help="Put every feed under this existing outlet.")

    def handle(self, *args, file: Path, outlet: str | None, **options):
        try:
            with file.open("rb") as handle:
                source = handle.read(MAX_BYTES + 1)  # enough to tell a file that is too large
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        target = None
        if outlet:
            target = Outlet.objects.filter(slug=outlet).first()
            if target is None:
                raise CommandError(f"no outlet with slug {outlet!r}")
        try:
            result = opml_import(source=source, outlet=target)
        except OpmlError as exc:
            raise CommandError(f"{file}: {exc}") from None
        for name in result.outlets_created:
            self.stdout.write(f"  new outlet: {name}")
        for url in result.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped (not an http(s) URL): {url}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.feeds_created} feeds added, {result.feeds_existing} already present, "
                f"{len(result.outlets_created)} outlets created."
            )
        )
