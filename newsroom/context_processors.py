from django.conf import settings


def site(request):
    """Site name, origin and main topics, for the base template and social tags."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, "SITE_NAV_TOPICS": settings.SITE_NAV_TOPICS}
