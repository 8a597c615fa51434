"""``zhaoshang bulletin --period CODE --month YYYY-MM --out FILE.docx [--issue] [--annex FILE.xlsx]``

Writes the month's bulletin: the issued one if there is one (from its snapshot), else the month's latest
draft, else a bulletin with the default title and requirements, computed now. ``--issue`` issues it first
(creating the draft if needed); an issued bulletin is final.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zhaoshang.bulletins import selectors, services
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.core import clock
from zhaoshang.organization import access
from zhaoshang.organization.models import User
from zhaoshang.targets.models import Period


class Command(BaseCommand):
    help = "Write a month's bulletin as .docx (and its annex as .xlsx), optionally issuing it first."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the .docx file to write")
        parser.add_argument("--annex", help="also write the .xlsx annex to this file")
        parser.add_argument("--issue", action="store_true", help="issue the bulletin first (final)")
        parser.add_argument("--user", help="username recorded as the issuer (bureau or admin)")

    def handle(self, *args, period, month, out, annex, issue, user, **options):
        translation.activate("zh-hans")
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"考核期 {period} 不存在") from None
        try:
            month_date = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError(f"月份 {month} 格式错误，应为 YYYY-MM") from None
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
            if not access.edits_everything(actor):
                raise CommandError(f"用户 {user} 无权签发通报")
        try:
            bulletin = self._bulletin(period_obj, month_date, issue=issue, actor=actor)
            data = selectors.bulletin_data(bulletin, detail=bool(annex))
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        with open(out, "wb") as handle:
            handle.write(selectors.docx_bytes(bulletin, data))
        state = "已签发" if bulletin.is_issued else "草稿"
        self.stdout.write(f"已写入 {out}（{state}：{bulletin.title}）")
        if annex:
            with open(annex, "wb") as handle:
                handle.write(selectors.xlsx_bytes(bulletin, data))
            self.stdout.write(f"已写入 {annex}")

    def _bulletin(self, period: Period, month: dt.date, *, issue: bool, actor) -> Bulletin:
        issued = selectors.issued_bulletin(period, month)
        if issued is not None:
            if issue:
                self.stdout.write("该月通报已签发，按签发时的数据输出。")
            return issued
        draft = selectors.latest_draft(period, month)
        if issue:
            draft = draft or services.create_draft(user=actor, period=period, month=month)
            bulletin = services.issue(user=actor, bulletin=draft)
            self.stdout.write(f"已签发：{bulletin.title}")
            return bulletin
        if draft is not None:
            return draft
        # Nothing saved: a bulletin with the defaults, computed now and not stored.
        bulletin = Bulletin(
            period=period,
            month=month,
            as_of=services.default_as_of(month),
            basis=period.basis,
            number=services.default_number(month),
            title=services.default_title(month),
            date=clock.today(),
            requirements=services.DEFAULT_REQUIREMENTS,
        )
        return bulletin
