"""Field defaults read core.clock (now/today) instead of Django's timezone.now/localdate.

A default lives in Python, not in the database: only the migration state changes (SeparateDatabaseAndState,
no database operation, so SQLite does not rebuild the tables)."""

import zhaoshang.core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0007_last_activity'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='project',
                    name='last_activity_on',
                    field=models.DateField(default=zhaoshang.core.clock.today, editable=False, verbose_name='last activity'),
                ),
            ],
            database_operations=[],
        ),
    ]
