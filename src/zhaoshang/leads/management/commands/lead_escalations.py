from django.core.management.base import BaseCommand

from zhaoshang.leads import services
from zhaoshang.leads.choices import Escalation


class Command(BaseCommand):
    help = "Alert about overdue lead follow-ups: the owner, then the unit's reporters, then the bureau (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = services.escalate(dry_run=dry_run)
        for level, leads in sorted(run.escalated.items()):
            label = Escalation(level).label
            self.stdout.write(f"{label}: {len(leads)}")
            for lead in leads:
                self.stdout.write(f"  {lead.pk} {lead.company} ({lead.follow_up_on})")
