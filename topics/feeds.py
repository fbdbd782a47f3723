"""RSS and Atom feeds of the live stories on one topic."""

from django.conf import settings
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from newsroom.seo import absolute
from stories.feeds import LatestStoriesFeed

from .models import Topic
from .selectors import topic_get, topic_stories


class TopicStoriesFeed(LatestStoriesFeed):
    """The newest live stories tagged with a topic, RSS 2.0."""

    url_name = "topics:feed-rss"

    def get_object(self, request, slug: str) -> Topic:
        return topic_get(slug=slug)  # Topic.DoesNotExist → 404 in the feed view

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
