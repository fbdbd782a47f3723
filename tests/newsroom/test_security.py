"""Secure by default: deploy checks, security headers, throttled admin logins."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _production(*args, **env):
    """``manage.py`` with production settings: DEBUG off, nothing set but what ``env`` says."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "HTTPS", "SECURE_SSL_REDIRECT"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(DEBUG="0", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_with_only_a_key_and_hosts():
    result = _production(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="news.example.com"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SHOW = (
    "from django.conf import settings as s; from django.test import Client;"
    "c = Client(HTTP_HOST='news.example.com');"
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
    " c.get('/healthz').status_code, c.get('/robots.txt').status_code)"
)


def test_https_protections_are_on_by_default_and_off_only_when_asked():
    key = secrets.token_urlsafe(60)
    default = _production("shell", "-c", SHOW, SECRET_KEY=key, ALLOWED_HOSTS="news.example.com")
    shown = default.stdout.strip().splitlines()[-1].split()  # the last line: the shell may announce its imports first
    assert shown == ["True", "True", "31536000", "200", "301"], default.stderr  # the probes answer over plain HTTP
    plain = _production("shell", "-c", SHOW, SECRET_KEY=key, ALLOWED_HOSTS="news.example.com", HTTPS="0")
    assert plain.stdout.strip().splitlines()[-1].split() == ["False", "False", "0", "200", "200"], plain.stderr


@pytest.mark.django_db
def test_pages_carry_security_headers(client, demo):
    response = client.get(demo.get_absolute_url())
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_admin_login_is_locked_after_repeated_failures(client):
    UserFactory(username="editor", password="right-password-123", is_staff=True)
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the ordinary "please enter a correct username" form
    fifth = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/admin/login/", {"username": "editor", "password": "right-password-123"})
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client):
    UserFactory(username="writer", password="right-password-123", is_staff=True)
    for _ in range(4):
        client.post("/admin/login/", {"username": "writer", "password": "wrong"})
    ok = client.post("/admin/login/", {"username": "writer", "password": "right-password-123"})
    assert ok.status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post("/admin/login/", {"username": "writer", "password": "wrong"}).status_code == 200
