from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "newsroom.changes"
    label = "changes"
    verbose_name = "Public changes"
