"""``zhaoshang open_rounds [--date YYYY-MM-DD]``: open the scheduling rounds whose day is today.

Run it from cron every morning, before ``zhaoshang remind``; a second run opens nothing new:

    5 0 * * *  cd /srv/zhaoshang && .venv/bin/zhaoshang open_rounds
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zhaoshang.core import clock
from zhaoshang.scheduling import services


class Command(BaseCommand):
    help = "Open the scheduling rounds whose calendar day (or moved day) is today. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act for, YYYY-MM-DD (default: today in the site's time zone)")

    def handle(self, *args, date=None, **options):
        translation.activate("zh-hans")
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期 {date} 格式错误，应为 YYYY-MM-DD") from None
        else:
            today = clock.today()
        opened = services.open_due_rounds(today=today)
        if not opened:
            self.stdout.write(f"{today.isoformat()}：没有需要开启的调度")
        for scheduling_round in opened:
            count = scheduling_round.reports.count()
            self.stdout.write(f"已开启 {scheduling_round.date.isoformat()} 调度：{count} 份进度报告")
