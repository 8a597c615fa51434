from django.core.management.base import BaseCommand

from zhaoshang.liaison import services
from zhaoshang.liaison.choices import DemandEscalation


class Command(BaseCommand):
    help = "Alert about overdue enterprise demands: the department's reporters, then the bureau (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = services.escalate(dry_run=dry_run)
        for level, demands in sorted(run.escalated.items()):
            self.stdout.write(f"{DemandEscalation(level).label}: {len(demands)}")
            for demand in demands:
                self.stdout.write(f"  {demand.pk} {demand.enterprise.name} ({demand.deadline})")
