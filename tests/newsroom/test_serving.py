"""Serving: static files through WhiteNoise under hashed names; the gunicorn configuration."""

import re
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_static_files_are_served_by_whitenoise_under_hashed_names_cached_forever(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    html = client.get("/").content.decode()
    href = re.search(r'href="(/static/newsroom/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(href, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"


def test_gunicorn_configuration_binds_loopback_with_two_workers_by_default(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "newsroom" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8000"
    assert config["workers"] == 2
    assert config["timeout"] > 0 and config["max_requests"] > 0
