from django.urls import path

from newsroom.cache import public_page
from newsroom.changes.models import ChangeEvent
from newsroom.edge import lists_keys

from . import feeds, reference_views, views

app_name = "stories"
urlpatterns = [
    path("story/<slug:slug>/", views.story_detail, name="detail"),
    path("preview/<str:token>/", views.story_preview, name="preview"),
    path("search/", views.search, name="search"),
    path("authors/<slug:slug>/", reference_views.author_detail, name="author"),
    path("feeds/rss/", public_page(feeds.LatestStoriesFeed(), keys=lists_keys(ChangeEvent.Kind.STORY)), name="feed-rss"),
    path("feeds/atom/", public_page(feeds.LatestStoriesAtomFeed(), keys=lists_keys(ChangeEvent.Kind.STORY)), name="feed-atom"),
]
