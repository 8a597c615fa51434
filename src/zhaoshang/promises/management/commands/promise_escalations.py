from django.core.management.base import BaseCommand

from zhaoshang.promises import services
from zhaoshang.promises.choices import Escalation


class Command(BaseCommand):
    help = (
        "Alert about overdue promises to investors and complaints: the responsible department's reporters, then "
        "the bureau after PROMISE_ESCALATION_DAYS (run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = services.escalate(dry_run=dry_run)
        for (kind, level), items in sorted(run.escalated.items()):
            self.stdout.write(f"{kind} · {Escalation(level).label}: {len(items)}")
            for item in items:
                self.stdout.write(f"  {item.pk} {item.investor.name} ({item.department.name})")
