"""Field defaults read core.clock (now/today) instead of Django's timezone.now/localdate.

A default lives in Python, not in the database: only the migration state changes (SeparateDatabaseAndState,
no database operation, so SQLite does not rebuild the tables)."""

import zhaoshang.core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0002_last_report_dates'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='coordinationitem',
                    name='raised_at',
                    field=models.DateTimeField(default=zhaoshang.core.clock.now, verbose_name='raised at'),
                ),
                migrations.AlterField(
                    model_name='historicalcoordinationitem',
                    name='raised_at',
                    field=models.DateTimeField(default=zhaoshang.core.clock.now, verbose_name='raised at'),
                ),
            ],
            database_operations=[],
        ),
    ]
