"""The ledger import's persons: 引进人 (with shares, e.g. "张三:50%、李四:50%"), 包抓县领导, 项目保姆 and 工作专班
resolved to the register of persons (``zhaoshang.persons``).

Three modes, chosen by the user: ``text`` keeps the names as text only (files from before the register);
``link`` links each name to the person of that name (the one of the project's units when several share it) and
lists every unknown name as an error naming its row and column; ``create`` makes the unknown names persons of the
project's responsible (or first credited) unit. The text columns are stored as they are in every mode. A column
the file does not have leaves the project's links as they are; a blank cell clears them.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.persons import services as person_services
from zhaoshang.persons.models import Person
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project

from . import columns as c

PERSONS_TEXT, PERSONS_LINK, PERSONS_CREATE = "text", "link", "create"
PERSONS_MODES = (PERSONS_TEXT, PERSONS_LINK, PERSONS_CREATE)


class PersonsPlanner:
    def __init__(self, parsed, errors, *, mode: str, units: dict):
        self.parsed, self.errors, self.mode, self.units = parsed, errors, mode, units
        self.index: dict[str, list[Person]] = {}
        self.planned: dict[str, dict] = {}  # project code → what to link
        self.to_create: dict[tuple[str, int], Person] = {}

    def plan(self) -> None:
        if self.mode == PERSONS_TEXT or not self.parsed.projects:
            return
        for person in Person.objects.select_related("unit").order_by("pk"):
            self.index.setdefault(person.name, []).append(person)
        for row in self.parsed.projects:
            unit_ids = []
            if row.responsible_code and row.responsible_code in self.units:
                unit_ids.append(self.units[row.responsible_code].pk)
            unit_ids += [self.units[code].pk for code, _share in row.credits if code in self.units]
            links: dict = {}
            if "introducer" in row.fields:
                links["introducers"] = self._introducers(row, unit_ids, row.fields["introducer"] or "")
            if row.county_leader is not None:
                names = person_services.split_names(row.county_leader or "")
                links["leader"] = self._find(row, unit_ids, names[0], c.P_LEADER) if names else None
            for key, field, header in (("stewards", "stewards", c.P_STEWARDS), ("team", "work_team", c.P_TEAM)):
                if field in row.fields:
                    names = person_services.split_names(row.fields[field] or "")
                    links[key] = [self._find(row, unit_ids, name, header) for name in names]
            self.planned[row.code] = links

    def _introducers(self, row, unit_ids, text: str):
        try:
            pairs = person_services.parse_shares(text)
        except ValueError as error:
            self.errors.add(
                c.PROJECT_SHEET,
                row.row,
                c.P_INTRODUCER,
                text,
                _("“%(part)s” is not a name with a share such as 张三:50%%.") % {"part": error.args[0]},
            )
            return []
        persons = [(self._find(row, unit_ids, name, c.P_INTRODUCER), share) for name, share in pairs]
        shares = [share for _person, share in persons]
        if persons and all(share is None for share in shares):
            shares = person_services.even_shares(len(persons))
        elif any(share is None for share in shares) or sum(shares) != Decimal("100"):
            self.errors.add(
                c.PROJECT_SHEET,
                row.row,
                c.P_INTRODUCER,
                text,
                _("Introducer shares must be given for every name and add up to 100%."),
            )
            return []
        return [(person, share) for (person, _s), share in zip(persons, shares, strict=True)]

    def _find(self, row, unit_ids, name: str, header: str):
        person = person_services.resolve(name, unit_ids, self.index)
        if isinstance(person, Person):
            return person
        if person == "ambiguous":
            self.errors.add(
                c.PROJECT_SHEET,
                row.row,
                header,
                name,
                _("Several persons are named %(name)s and none of them belongs to the project's units.")
                % {"name": name},
            )
            return None
        home = unit_ids[0] if unit_ids else None
        if self.mode == PERSONS_CREATE and home:
            key = (name, home)
            if key not in self.to_create:
                unit = next(u for u in self.units.values() if u.pk == home)
                self.to_create[key] = Person(name=name, unit=unit)
            return self.to_create[key]
        self.errors.add(
            c.PROJECT_SHEET,
            row.row,
            header,
            name,
            _("No person named %(name)s in the register of persons.") % {"name": name},
        )
        return None

    def write(self, *, user) -> None:
        """After the projects are written (units created by the file have their ids by then)."""
        for person in self.to_create.values():
            person.unit = person.unit  # a unit created by the same file is saved by now
            as_user(person, user).save()
        projects = {p.code: p for p in Project.objects.filter(code__in=list(self.planned))}
        for code, links in self.planned.items():
            project = projects[code]
            project_services.set_project_persons(
                user=user,
                project=project,
                introducers=links.get("introducers"),
                leader=links.get("leader", ...),
                stewards=links.get("stewards"),
                team=links.get("team"),
            )
