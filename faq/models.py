"""Common questions: the “Go deeper” pages linked from stories."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from images.models import picture_described
from newsroom.richtext import RichTextField


class CommonQuestionQuerySet(models.QuerySet):
    def published(self):
        """The one gate for public reads of questions."""
        return self.filter(status=CommonQuestion.Status.PUBLISHED)


class CommonQuestion(models.Model):
    """A reader's question with an ordered set of short answers."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    question = models.CharField("question", max_length=300, help_text="The question as a reader would ask it.")
    slug = models.SlugField("slug", max_length=200, unique=True, help_text="The page's address: /answers/this-slug/.")
    teaser = models.TextField("teaser", blank=True, help_text="A short paragraph shown on “Go deeper” cards.")
    image = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="questions", verbose_name="picture",
        help_text="Shown on the question's “Go deeper” card and at the top of its page.",
    )  # fmt: skip
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published questions appear on the site and in the API.",
    )
    topics = models.ManyToManyField(
        "topics.Topic",
        blank=True,
        related_name="questions",
        verbose_name="topics",
        help_text="Topics this question is about.",
    )
    published_at = models.DateTimeField("published", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = CommonQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["question"]
        verbose_name = "common question"
        verbose_name_plural = "common questions"

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("faq:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self):
        super().clean()
        picture_described(self.image if self.image_id else None, "image")  # shown on "Go deeper" cards

    def mark_published_time(self) -> None:
        """Keep the first publication time when the status turns published."""
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()


class QuestionItem(models.Model):
    """One question and its answer on a common-question page."""

    common_question = models.ForeignKey(
        CommonQuestion, on_delete=models.CASCADE, related_name="items", verbose_name="common question"
    )
    position = models.PositiveIntegerField("position", default=0, help_text="Order on the page, lowest first.")
    question = models.CharField("question", max_length=300, help_text="A follow-up question.")
    answer = RichTextField("answer", help_text="The answer, a paragraph or two.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "question and answer"
        verbose_name_plural = "questions and answers"

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return f"{self.common_question.get_absolute_url()}#q{self.pk}"
