"""Newsroom: an editorial CMS for explainer news."""

from .celery import app as celery_app

__all__ = ["celery_app"]
