from django.contrib import admin

from .models import CommonQuestion, QuestionItem


class QuestionItemInline(admin.StackedInline):
    model = QuestionItem
    extra = 0
    fields = ["position", "question", "answer"]


@admin.register(CommonQuestion)
class CommonQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "status", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["question", "teaser", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topics"]
    inlines = [QuestionItemInline]

    def save_model(self, request, obj, form, change):
        obj.mark_published_time()
        super().save_model(request, obj, form, change)
