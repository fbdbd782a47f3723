"""The favicon and the web app manifest: what a browser tab and a home screen show."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings


def _static_file(url: str) -> Path:
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not a static file"
    return Path(found)


def test_favicon_ico_leads_to_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert _static_file(response["Location"]).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO


@override_settings(SITE_NAME="The Explainer")
def test_manifest_names_the_site_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "The Explainer"
    assert manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert _static_file(icon["src"]).stat().st_size > 0


@pytest.mark.django_db
def test_every_page_links_the_icon_and_the_manifest(client):
    html = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'rel="icon"' in html
