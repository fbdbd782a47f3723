from django.core.management.base import BaseCommand

from stories.workflow import story_publish_due


class Command(BaseCommand):
    help = "Publish every scheduled story whose time has come (what Celery beat does each minute). Safe to re-run."

    def handle(self, *args, **options):
        published = story_publish_due()
        for story in published:
            self.stdout.write(f"published {story.live_slug}")
        self.stdout.write(f"{len(published)} scheduled story(ies) published.")
