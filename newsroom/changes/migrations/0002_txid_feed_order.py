# The table takes the app's name; each entry keeps its transaction's id, the feed's order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('changes', '0001_initial'),
        ('stories', '0015_changeevent_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='changeevent', table=None),
        migrations.AlterModelOptions(
            name='changeevent',
            options={'ordering': ['txid', 'id'], 'verbose_name': 'change event', 'verbose_name_plural': 'change events'},
        ),
        migrations.AddField(
            model_name='changeevent',
            name='txid',
            field=models.BigIntegerField(default=0, help_text="The writing transaction's id on PostgreSQL (pg_current_xact_id); 0 on SQLite and for older entries.", verbose_name='transaction'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['txid', 'id'], name='changeevent_feed'),
        ),
    ]
