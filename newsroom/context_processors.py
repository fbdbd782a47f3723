from django.conf import settings


def site(request):
    """Site name and origin, for the base template and social tags."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
