# The change log now belongs to newsroom.changes (changes/0001 takes over the same table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0014_changeevent_outlet_kind'),
        ('changes', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ChangeEvent')],
            database_operations=[],
        ),
    ]
