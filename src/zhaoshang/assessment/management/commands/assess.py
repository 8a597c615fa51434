"""``zhaoshang assess --period CODE --as-of YYYY-MM-DD [--basis reported|verified] --format json|xlsx [--out FILE]``"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zhaoshang.assessment import selectors, serialize
from zhaoshang.targets.models import Period
from zhaoshang.targets.scoring import SchemeError


class Command(BaseCommand):
    help = "Assess every unit of a period as of a date, and print or write the result."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code")
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--basis", choices=["reported", "verified"], default=None)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out", help="file to write (required for xlsx)")

    def handle(self, *args, period, as_of, basis, format, out, **options):
        translation.activate("zh-hans")
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"考核期 {period} 不存在") from None
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"日期 {as_of} 格式错误，应为 YYYY-MM-DD") from None
        basis = basis or period_obj.basis
        try:
            assessment = selectors.assess_period(period_obj, as_of_date, basis=basis)
        except SchemeError as error:  # a scheme stored around the editor, which refuses it
            raise CommandError(translation.gettext(error.message) % error.params) from None
        selectors.read_drill_downs(period_obj, assessment)  # every figure's rows go out: read them in one go
        if format == "json":
            text = json.dumps(
                serialize.assessment_data(assessment, period_code=period_obj.code, basis=basis),
                ensure_ascii=False,
                indent=2,
            )
            if out:
                with open(out, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        if not out:
            raise CommandError("--format xlsx 需要 --out 文件名")
        from zhaoshang.assessment.xlsx import assessment_workbook

        with open(out, "wb") as handle:
            handle.write(assessment_workbook(assessment, period=period_obj, basis=basis))
        self.stdout.write(f"已写入 {out}")
