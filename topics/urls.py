from django.urls import path

from newsroom.cache import public_page

from . import feeds, views

app_name = "topics"
urlpatterns = [
    path("topics/<slug:slug>/", views.topic_detail, name="detail"),
    path("topics/<slug:slug>/rss/", public_page(feeds.TopicStoriesFeed()), name="feed-rss"),
    path("topics/<slug:slug>/atom/", public_page(feeds.TopicStoriesAtomFeed()), name="feed-atom"),
]
