"""Cluster stored articles into events by hand: the ones in no event yet, or a period again from scratch."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from events.clustering import articles_cluster, events_recluster, events_summary
from sources.models import SourceArticle


class Command(BaseCommand):
    help = (
        "Put the articles of the last HOURS that are in no event into events (what the ingest task does), "
        "or with --rebuild cluster that period again from scratch (editors' placements stay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=72, help="How far back, by published time (default 72).")
        parser.add_argument("--rebuild", action="store_true", help="Drop the period's clustering (not editors') and redo it.")

    def handle(self, *args, hours: float, rebuild: bool, **options):
        since = timezone.now() - timedelta(hours=hours)
        if rebuild:
            result = events_recluster(since=since)
        else:
            ids = list(
                SourceArticle.objects.filter(published_at__gte=since, event_link__isnull=True)
                .order_by("published_at", "id")
                .values_list("id", flat=True)
            )
            result = articles_cluster([])
            for start in range(0, len(ids), 2000):
                part = articles_cluster(ids[start : start + 2000])
                for name in ("articles", "started", "duplicate", "similar", "merged"):
                    setattr(result, name, getattr(result, name) + getattr(part, name))
        self.stdout.write(
            f"{result.articles} articles clustered: {result.started} started an event, {result.duplicate} near-duplicates, "
            f"{result.similar} similar, {result.merged} events merged"
        )
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in events_summary().items()))
