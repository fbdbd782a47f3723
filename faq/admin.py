from django.contrib import admin

from newsroom.admin_search import BoundedSearchMixin

from .models import CommonQuestion, QuestionItem
from .services import question_delete, question_save


class QuestionItemInline(admin.StackedInline):
    model = QuestionItem
    extra = 0
    fields = ["position", "question", "answer"]


@admin.register(CommonQuestion)
class CommonQuestionAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["question", "status", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["question", "teaser", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topics"]
    inlines = [QuestionItemInline]

    # Saves and deletes go through the services, which record the change for API sync.
    def save_model(self, request, obj, form, change):
        question_save(question=obj)

    def delete_model(self, request, obj):
        question_delete(question=obj)

    def delete_queryset(self, request, queryset):
        for question in queryset:
            question_delete(question=question)
