"""RSS and Atom feeds of the latest live stories (django.contrib.syndication).

Items carry absolute links on the public origin and a GUID that survives a
change of slug, so feed readers never show a corrected story twice.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from newsroom.seo import absolute
from topics.models import Topic

from .selectors import story_list_live, topic_stories

FEED_SIZE = 30


class LatestStoriesFeed(Feed):
    """The newest live stories, RSS 2.0."""

    description_template = None
    url_name = "stories:feed-rss"

    def title(self, obj=None) -> str:
        return f"{settings.SITE_NAME}: latest stories"

    def description(self, obj=None) -> str:
        return "Explainer news: what happened, why it matters, and what the papers say."

    def link(self, obj=None) -> str:
        return absolute("/")

    def feed_url(self, obj=None) -> str:
        return absolute(reverse(self.url_name))

    def stories(self, obj=None):
        return story_list_live()

    def items(self, obj=None):
        # One extra query for every item's topics (the feed's categories).
        return self.stories(obj).prefetch_related(Prefetch("live_topics", queryset=Topic.objects.only("id", "name")))[:FEED_SIZE]

    def item_title(self, item) -> str:
        return item.live_headline

    def item_description(self, item) -> str:
        return item.live_summary

    def item_link(self, item) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item) -> str:
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},2026:story:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item) -> list[str]:
        return [t.name for t in item.live_topics.all()]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    """The newest live stories, Atom 1.0."""

    feed_type = Atom1Feed
    url_name = "stories:feed-atom"

    def subtitle(self, obj=None) -> str:
        return self.description(obj)


class TopicStoriesFeed(LatestStoriesFeed):
    """The newest live stories tagged with a topic, RSS 2.0."""

    url_name = "topics:feed-rss"

    def get_object(self, request, slug: str) -> Topic:
        return Topic.objects.get(slug=slug)  # Topic.DoesNotExist → 404 in the feed view

    def title(self, obj=None) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj=None) -> str:
        return obj.description or f"The latest stories about {obj.name}."

    def link(self, obj=None) -> str:
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj=None) -> str:
        return absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))

    def stories(self, obj=None):
        return topic_stories(topic=obj)


class TopicStoriesAtomFeed(TopicStoriesFeed):
    """The newest live stories tagged with a topic, Atom 1.0."""

    feed_type = Atom1Feed
    url_name = "topics:feed-atom"

    def subtitle(self, obj=None) -> str:
        return self.description(obj)
