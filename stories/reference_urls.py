"""The addresses of topic, question and outlet pages, under their apps' namespaces
(``topics:detail``, ``faq:detail``, ``sources:outlet``); their views are on the stories side."""

from django.urls import path

from newsroom.cache import public_page
from newsroom.changes.models import ChangeEvent
from newsroom.edge import detail_keys, list_key

from . import feeds, reference_views

# A topic's feeds list its stories: the topic's key (a story tagged or untagged records it) and the stories' list.
_topic_feed_keys = detail_keys(ChangeEvent.Kind.TOPIC, list_key(ChangeEvent.Kind.STORY))

topic_urls = (
    [
        path("topics/<slug:slug>/", reference_views.topic_detail, name="detail"),
        path("topics/<slug:slug>/rss/", public_page(feeds.TopicStoriesFeed(), keys=_topic_feed_keys), name="feed-rss"),
        path("topics/<slug:slug>/atom/", public_page(feeds.TopicStoriesAtomFeed(), keys=_topic_feed_keys), name="feed-atom"),
    ],
    "topics",
)
question_urls = ([path("answers/<slug:slug>/", reference_views.question_detail, name="detail")], "faq")
outlet_urls = ([path("outlets/<slug:slug>/", reference_views.outlet_detail, name="outlet")], "sources")
