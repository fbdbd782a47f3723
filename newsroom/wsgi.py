import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_application = get_wsgi_application()

from newsroom.page_front import PageFront  # noqa: E402  (once Django is set up)

# Repeat page-cache hits are answered before Django's request handling (newsroom/page_front.py).
application = PageFront(django_application)
