"""Field defaults read core.clock (now/today) instead of Django's timezone.now/localdate.

A default lives in Python, not in the database: only the migration state changes (SeparateDatabaseAndState,
no database operation, so SQLite does not rebuild the tables)."""

import zhaoshang.core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='delivery',
                    name='updated_at',
                    field=models.DateTimeField(default=zhaoshang.core.clock.now, verbose_name='updated'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='created_at',
                    field=models.DateTimeField(default=zhaoshang.core.clock.now, verbose_name='created'),
                ),
            ],
            database_operations=[],
        ),
    ]
