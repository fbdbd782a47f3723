"""factory_boy factories for every model the tests build."""

import factory
from django.contrib.auth import get_user_model

from faq.models import CommonQuestion, QuestionItem
from sources.models import Feed, Outlet, SourceArticle
from stories.models import Citation, SectionBlock, Story, StoryAuthor, StoryQuestion, StoryTopic
from topics.models import Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-123")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    kind = Topic.Kind.COUNTRY
    description = factory.LazyAttribute(lambda t: f"About {t.name}.")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.com/")


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://feeds.example.com/{n}.xml")


class SourceArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceArticle

    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://news.example.com/a/{n}")
    title = factory.Sequence(lambda n: f"Article {n}")


class CommonQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommonQuestion

    question = factory.Sequence(lambda n: f"Why question {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    teaser = "A short teaser."
    status = CommonQuestion.Status.PUBLISHED


class QuestionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionItem

    common_question = factory.SubFactory(CommonQuestionFactory)
    question = factory.Sequence(lambda n: f"Sub-question {n}?")
    answer = "<p>An answer.</p>"


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    summary = "A standfirst."

    @factory.post_generation
    def authors(self, create, people, **kwargs):
        """``StoryFactory(authors=[ana, ben])``: the byline, in order."""
        for position, person in enumerate(people or []):
            StoryAuthor.objects.create(story=self, user=person, position=position)


class SectionBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionBlock

    story = factory.SubFactory(StoryFactory)
    kind = SectionBlock.Kind.WHATS_HAPPENED
    body = factory.Sequence(lambda n: f"<p>Paragraph {n}.</p>")


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    story = factory.SubFactory(StoryFactory)
    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://news.example.com/cited/{n}")
    claim = factory.Sequence(lambda n: f"Outlet claim {n}.")


def build_story(*, blocks=1, citations=0, topics=0, questions=0, publish=True, **fields) -> Story:
    """A story with the given number of children, published unless told not to."""
    from stories.workflow import story_publish

    author = fields.pop("author", None)
    if author is not None:
        fields["authors"] = [author]
    story = StoryFactory(**fields)
    kinds = list(SectionBlock.Kind)
    for i in range(blocks):
        SectionBlockFactory(story=story, position=i, kind=kinds[i % len(kinds)], heading=f"Section {i}")
    for i in range(citations):
        CitationFactory(story=story, position=i)
    for i in range(topics):
        StoryTopic.objects.create(story=story, topic=TopicFactory(), position=i)
    for i in range(questions):
        StoryQuestion.objects.create(story=story, question=CommonQuestionFactory(), position=i)
    if publish:
        story = story_publish(story=story, actor=None)
    return story
