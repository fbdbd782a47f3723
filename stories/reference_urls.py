"""The addresses of topic, question and outlet pages, under their apps' namespaces
(``topics:detail``, ``faq:detail``, ``sources:outlet``); their views are on the stories side."""

from django.urls import path

from newsroom.cache import public_page

from . import feeds, reference_views

topic_urls = (
    [
        path("topics/<slug:slug>/", reference_views.topic_detail, name="detail"),
        path("topics/<slug:slug>/rss/", public_page(feeds.TopicStoriesFeed()), name="feed-rss"),
        path("topics/<slug:slug>/atom/", public_page(feeds.TopicStoriesAtomFeed()), name="feed-atom"),
    ],
    "topics",
)
question_urls = ([path("answers/<slug:slug>/", reference_views.question_detail, name="detail")], "faq")
outlet_urls = ([path("outlets/<slug:slug>/", reference_views.outlet_detail, name="outlet")], "sources")
