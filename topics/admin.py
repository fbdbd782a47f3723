from django.contrib import admin

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin, ServiceBackedAdminMixin

from .models import Topic
from .services import topic_delete, topic_save


@admin.register(Topic)
class TopicAdmin(ImageChooserAdminMixin, ServiceBackedAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    save_service = staticmethod(topic_save)
    delete_service = staticmethod(topic_delete)
    service_argument = "topic"
