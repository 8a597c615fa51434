"""Progress of an import, reported to an optional callback ``progress(done, total, message)``.

The importer calls it while reading rows (every ``PROGRESS_ROWS`` rows) and between the steps of the
write; the caller throttles further if it must (a background job updates its row at most twice a second,
the command rewrites one terminal line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

Progress = Callable[[int, int, str], None]
PROGRESS_ROWS = 1000  # rows read between two reports


class RowCounter:
    """Counts the rows read of each sheet (of ``height`` rows), reporting every ``PROGRESS_ROWS`` rows."""

    def __init__(self, progress: Progress | None):
        self.progress, self.total, self.done = progress, 0, 0

    def report(self, sheet: str) -> None:
        if self.progress is None:
            return
        if sheet:
            self.progress(min(self.done, self.total), self.total, _("Reading the sheet %(sheet)s") % {"sheet": sheet})
        else:  # every sheet read: the rows are checked against the database, then written
            self.progress(0, 0, _("Checking the rows"))

    def counted(self, rows: Iterable[list], sheet: str, height: int) -> Iterator[list]:
        if self.progress is None:
            yield from rows
            return
        self.done, self.total = 0, height
        self.report(sheet)
        for row in rows:
            self.done += 1
            if self.done % PROGRESS_ROWS == 0:
                self.report(sheet)
            yield row
        self.done = self.total
