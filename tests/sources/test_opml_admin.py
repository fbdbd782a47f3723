"""OPML import in the admin: upload, see what it would add (nothing is created yet), confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sources.models import Feed, Outlet
from tests.factories import FeedFactory, OutletFactory

pytestmark = pytest.mark.django_db
URL = "/admin/sources/feed/import-opml/"
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Andes Daily - Politics" xmlUrl="https://andes.example/politics.xml" htmlUrl="https://andes.example/"/>
<outline text="Andes Daily - Economy" xmlUrl="https://andes.example/economy.xml" htmlUrl="https://andes.example/"/>
<outline text="Known" xmlUrl="https://known.example/feed.xml"/>
<outline text="Bad" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_upload_previews_then_confirm_imports(admin_client):
    FeedFactory(url="https://known.example/feed.xml", outlet=OutletFactory(name="Known"))
    before = (Outlet.objects.count(), Feed.objects.count())
    page = admin_client.post(URL, {"file": SimpleUploadedFile("feeds.opml", OPML, "text/x-opml")}).content.decode()
    page = " ".join(page.split())
    assert "2 new feeds</strong>, 1 new outlet; 1 already here; 1 skipped" in page
    assert "Andes Daily" in page and "https://andes.example/economy.xml" in page
    assert (Outlet.objects.count(), Feed.objects.count()) == before  # the preview created nothing
    text = OPML.decode()
    response = admin_client.post(URL, {"opml": text, "confirm": "1"}, follow=True)
    assert "Imported 2 feeds and 1 new outlet (1 already here, 1 skipped)." in response.content.decode()
    assert set(Feed.objects.filter(outlet__name="Andes Daily").values_list("title", flat=True)) == {"Politics", "Economy"}


def test_a_file_that_is_not_opml_is_refused_beside_the_field(admin_client):
    page = admin_client.post(URL, {"file": SimpleUploadedFile("feeds.opml", b"<html><body>no</body></html>")}).content.decode()
    assert "This file cannot be imported: the root element is &lt;html&gt;, not &lt;opml&gt;." in page
    assert not Feed.objects.exists()


def test_writers_cannot_import_feeds(client, writer):
    client.force_login(writer)
    assert client.get(URL).status_code == 403
