"""Stories have one or more authors, in byline order (``StoryAuthor``), instead of one ``author``.

Each story's author becomes its first (and only) credited author; going back keeps the first.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from stories.roles import roles_sync


def credit_authors(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    StoryAuthor = apps.get_model("stories", "StoryAuthor")
    StoryAuthor.objects.bulk_create(
        StoryAuthor(story_id=pk, user_id=author_id, position=0)
        for pk, author_id in Story.objects.exclude(author=None).values_list("pk", "author_id").iterator()
    )


def uncredit_authors(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    StoryAuthor = apps.get_model("stories", "StoryAuthor")
    for credit in StoryAuthor.objects.order_by("story_id", "position", "id"):  # the first credited wins
        Story.objects.filter(pk=credit.story_id, author=None).update(author_id=credit.user_id)


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)  # writers see the byline, editors give authorship


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0023_search_and_social'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StoryAuthor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('story', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='story_authors', to='stories.story')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='story_credits', to=settings.AUTH_USER_MODEL, verbose_name='author')),
            ],
            options={
                'verbose_name': 'author',
                'verbose_name_plural': 'authors (the byline, in order)',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.AddField(
            model_name='story',
            name='authors',
            field=models.ManyToManyField(blank=True, help_text='The writers responsible for the story, in byline order.', related_name='authored_stories', through='stories.StoryAuthor', to=settings.AUTH_USER_MODEL, verbose_name='authors'),
        ),
        migrations.AddConstraint(
            model_name='storyauthor',
            constraint=models.UniqueConstraint(fields=('story', 'user'), name='storyauthor_unique'),
        ),
        migrations.RunPython(credit_authors, uncredit_authors),
        migrations.RemoveField(
            model_name='story',
            name='author',
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
