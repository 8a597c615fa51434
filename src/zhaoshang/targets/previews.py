"""Where the scheme page's live preview comes from, without targets importing assessment (import-linter).

The assessment computes points; targets only defines schemes. When ``zhaoshang.assessment.selectors`` has a
function ``points_preview(period)``, the assessment app registers it here when Django starts
(``AssessmentConfig.ready``) and the 评分细则 page shows a section 预览 with what it returns: a list of rows
``{"unit": name, "items": {item code: points}, "total": points}``. Until then the section is not rendered.
"""

from __future__ import annotations

from collections.abc import Callable

_preview: Callable | None = None


def register(function: Callable) -> None:
    global _preview
    _preview = function


def points_preview(period):
    """The registered preview's rows for ``period``, or None when nothing computes points yet."""
    return None if _preview is None else _preview(period)


# The county's targets from above: the assessment registers ``county.unit_target_split(period)`` (indicator key →
# the sum of the units' targets) and ``county.county_completion(period, as_of)`` here (``AssessmentConfig.ready``).
_county: dict[str, Callable] = {}


def register_county(*, split: Callable, completion: Callable, show_verified: Callable) -> None:
    _county.update(split=split, completion=completion, show_verified=show_verified)


def show_verified(projects, receipts) -> None:
    """On the verified basis, the rows show the verified amounts the figure counted (``selectors.show_verified``)."""
    if "show_verified" in _county:
        _county["show_verified"](projects, receipts)


def unit_target_split(period) -> dict:
    return _county["split"](period) if "split" in _county else {}


def county_completion(period, as_of, *, basis: str = "reported"):
    return _county["completion"](period, as_of, basis=basis) if "completion" in _county else None
