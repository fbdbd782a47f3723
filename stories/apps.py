from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"

    def ready(self) -> None:
        # Pre-rendering, search documents and page-cache purges follow public changes.
        from . import receivers  # noqa: F401
