"""Secure by default: deploy checks, security headers, throttled admin logins."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warnings():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60), HTTPS="1", ALLOWED_HOSTS="news.example.com")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
