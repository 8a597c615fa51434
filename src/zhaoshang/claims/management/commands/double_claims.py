"""``zhaoshang double_claims [--format json|text] [--no-check]``: the county-wide double-claim check.

Runs the check (every project against every other, ``claims.services.check_county``: new pairs recorded, open
pairs rescored, decided pairs left alone) unless ``--no-check``, then prints every open pair, best first. The JSON
form is an interface for other tools, exactly::

    [{"a": "XM-001", "b": "XM-107", "score": 0.873, "reasons": ["统一社会信用代码相同 (91…)", "…"]}]

``a`` is the code of the pair's lower-id project; sorted by score descending, then ``a``; UTF-8. Safe to run at
any time, e.g. nightly from cron so the bureau's review page is current:

    15 2 * * *  cd /srv/zhaoshang && .venv/bin/zhaoshang double_claims --format text >> var/cron.log 2>&1
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.claims.selectors import open_pairs_for_export
from zhaoshang.claims.services import check_county


class Command(BaseCommand):
    help = "Check the whole ledger for projects claimed twice and print every open pair (JSON or a table)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "text"], default="json", help="output format (json)")
        parser.add_argument("--no-check", action="store_true", help="print the open pairs without checking again")

    def handle(self, *args, format="json", no_check=False, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if not no_check:
            check_county()
        pairs = open_pairs_for_export()
        if format == "json":
            rows = [{"a": a, "b": b, "score": float(score), "reasons": list(reasons)} for a, b, score, reasons in pairs]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not pairs:
            self.stdout.write(_("No open double claims."))
            return
        self.stdout.write(_("Open double claims: %(count)d") % {"count": len(pairs)})
        width = max(len(a) for a, _b, _s, _r in pairs)
        width_b = max(len(b) for _a, b, _s, _r in pairs)
        for a, b, score, reasons in pairs:
            self.stdout.write(f"{score:.3f}  {a:<{width}}  {b:<{width_b}}  " + "；".join(reasons))
