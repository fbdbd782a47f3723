from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from sources.ingest import FeedUnreachable, feed_ingest
from sources.models import Feed


class ProgressBar:
    """A one-line progress bar on a terminal; one line per step otherwise (logs, CI)."""

    def __init__(self, stream, total: int, width: int = 30):
        self.stream, self.total, self.width = stream, total, width  # a command's OutputWrapper
        self.tty = stream.isatty()

    def update(self, done: int, label: str) -> None:
        filled = self.width * done // max(self.total, 1)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {label}"
        if self.tty:
            self.stream.write(f"\r\033[K{line[:150]}", ending="")
        else:
            self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Fetch feeds now, synchronously, through the same pipeline as the Celery tasks: every active feed, "
        "or one outlet's, or one feed (even if inactive). Health is recorded as by the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--outlet", metavar="SLUG", help="Only this outlet's active feeds.")
        parser.add_argument("--feed", type=int, metavar="ID", help="Only this feed.")
        parser.add_argument("--due", action="store_true", help="Only feeds due for a fetch.")

    def handle(self, *args, outlet: str | None, feed: int | None, due: bool, **options):
        feeds = Feed.objects.select_related("outlet").order_by("outlet__name", "id")
        if feed is not None:
            feeds = feeds.filter(pk=feed)
            if not feeds.exists():
                raise CommandError(f"no feed with id {feed}")
        else:
            feeds = feeds.filter(is_active=True)
        if outlet:
            feeds = feeds.filter(outlet__slug=outlet)
            if not feeds.exists():
                raise CommandError(f"no active feeds for outlet {outlet!r}")
        if due:
            feeds = feeds.filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=timezone.now()))
        feeds = list(feeds)
        bar = ProgressBar(self.stdout, len(feeds))
        totals: dict[str, int] = {}
        new = updated = 0
        for done, item in enumerate(feeds, start=1):
            try:
                result = feed_ingest(feed_id=item.pk)
                status, new, updated = result.status, new + result.new, updated + result.updated
            except FeedUnreachable:  # recorded in the feed's health; the worker would retry
                status = Feed.objects.values_list("last_status", flat=True).get(pk=item.pk)
            totals[status] = totals.get(status, 0) + 1
            bar.update(done, f"{item.outlet.name}: {item} → {status}")
        bar.close()
        summary = ", ".join(f"{count} {status}" for status, count in sorted(totals.items())) or "no feeds"
        self.stdout.write(self.style.SUCCESS(f"{len(feeds)} feeds: {summary}; {new} new articles, {updated} updated."))
