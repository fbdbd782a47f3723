"""Sitemaps of the public site (django.contrib.sitemaps), and the Google News sitemap.

Every location is on the public origin (``SITE_URL``), whatever host the
request came in on, and only live stories and published questions appear.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from faq.models import CommonQuestion
from sources.models import Outlet
from topics.models import Topic

from .models import AuthorProfile, Story
from .selectors import story_list_live

NEWS_WINDOW = timedelta(hours=48)


class PublicSitemap(Sitemap):
    limit = 5000

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_latest_lastmod(self):
        field = getattr(self, "lastmod_field", None)
        return self.items().aggregate(latest=Max(field))["latest"] if field else None


class StorySitemap(PublicSitemap):
    changefreq = "daily"
    lastmod_field = "last_published_at"

    def items(self):
        return story_list_live()

    def lastmod(self, story: Story):
        return story.last_published_at


class NewsSitemap(StorySitemap):
    """Stories first published in the last 48 hours, for Google News."""

    limit = 1000  # Google News reads at most 1,000 URLs per sitemap

    def items(self):
        return story_list_live().filter(first_published_at__gte=timezone.now() - NEWS_WINDOW)


class TopicSitemap(PublicSitemap):
    changefreq = "daily"
    lastmod_field = "updated_at"

    def items(self):
        # Topics that some live story is tagged with: the others have empty pages.
        return Topic.objects.filter(live_stories__in=Story.objects.live()).distinct().order_by("slug")

    def lastmod(self, topic: Topic):
        return topic.updated_at


class QuestionSitemap(PublicSitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"

    def items(self):
        return CommonQuestion.objects.published().order_by("slug")

    def lastmod(self, question: CommonQuestion):
        return question.updated_at


class OutletSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return Outlet.objects.filter(live_stories__in=Story.objects.live()).distinct().order_by("slug")


class AuthorSitemap(PublicSitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"

    def items(self):
        # People credited on a live story: the others have no page.
        return AuthorProfile.objects.filter(user__live_credits__in=Story.objects.live()).distinct().order_by("slug")

    def lastmod(self, profile: AuthorProfile):
        return profile.updated_at


class PagesSitemap(PublicSitemap):
    changefreq = "hourly"

    def items(self):
        return ["home"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "stories": StorySitemap,
    "topics": TopicSitemap,
    "questions": QuestionSitemap,
    "outlets": OutletSitemap,
    "authors": AuthorSitemap,
}


def sitemap_index(request, sitemaps, sitemap_url_name):
    """``django.contrib.sitemaps``' index with each location on ``SITE_URL``.

    Django's index names the sections on the request's scheme and host (it has
    no hook for them, unlike ``Sitemap.get_domain``); crawlers must see one origin.
    """
    response = sitemap_views.index(request, sitemaps=sitemaps, sitemap_url_name=sitemap_url_name)
    asked = f"{request.scheme}://{get_current_site(request).domain}"
    for item in response.context_data["sitemaps"]:
        item.location = settings.SITE_URL + item.location.removeprefix(asked)
    return response
