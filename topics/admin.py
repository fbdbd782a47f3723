from django.contrib import admin

from newsroom.admin_search import BoundedSearchMixin

from .models import Topic
from .services import topic_delete, topic_save


@admin.register(Topic)
class TopicAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    # Saves and deletes go through the services, which record the change for API sync.
    def save_model(self, request, obj, form, change):
        topic_save(topic=obj)

    def delete_model(self, request, obj):
        topic_delete(topic=obj)

    def delete_queryset(self, request, queryset):
        for topic in queryset:
            topic_delete(topic=topic)
