from django.contrib import admin

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin, ServiceBackedAdminMixin

from .models import CommonQuestion, QuestionItem
from .services import question_delete, question_save


class QuestionItemInline(admin.StackedInline):
    model = QuestionItem
    extra = 0
    fields = ["position", "question", "answer"]


@admin.register(CommonQuestion)
class CommonQuestionAdmin(ImageChooserAdminMixin, ServiceBackedAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["question", "status", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["question", "teaser", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topics"]
    inlines = [QuestionItemInline]

    save_service = staticmethod(question_save)
    delete_service = staticmethod(question_delete)
    service_argument = "question"
