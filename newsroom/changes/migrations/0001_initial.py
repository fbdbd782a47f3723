# The change log moves from stories/ to newsroom.changes: the table stays, only Django's state moves.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('stories', '0014_changeevent_outlet_kind'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChangeEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('story', 'Story'), ('topic', 'Topic'), ('question', 'Common question'), ('outlet', 'Outlet')], max_length=20, verbose_name='kind')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='object id')),
                        ('slug', models.CharField(max_length=200, verbose_name='slug')),
                        ('action', models.CharField(choices=[('upsert', 'Created or changed'), ('delete', 'Removed from public view')], max_length=10, verbose_name='action')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                    ],
                    options={
                        'verbose_name': 'change event',
                        'verbose_name_plural': 'change events',
                        'ordering': ['id'],
                        'db_table': 'stories_changeevent',
                        'indexes': [
                            models.Index(fields=['kind', 'object_id'], name='changeevent_object'),
                            models.Index(fields=['created_at'], name='changeevent_created'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
