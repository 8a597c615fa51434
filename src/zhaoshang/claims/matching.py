"""Which projects look like one project claimed twice: pure functions on plain data, no database.

A ``Candidate`` is what the check reads of a project. ``pairs_to_score`` finds the pairs worth scoring through an
inverted index (blocking): projects sharing a credit code, a normalised investor (``company_key``), the full sound
of the name (``pinyin_key``) or two of the rarer bigrams of the name's key (``project_name_key``); a key shared by
too many projects tells nothing and is skipped, so the work stays near linear in the ledger's size. ``score``
gives a pair a number 0..1 and its reasons, in the active language (Chinese in the product).

The score adds up the evidence:

- the investor (40%): the same credit code, or the same name once normalised (a missing investor counts half);
  two different credit codes take 40% off the whole score;
- the project's name (40%): the larger of the bigram similarity of the two name keys and, slightly discounted,
  the similarity of their sounds (a wrong character of the same sound);
- the circumstances (20%: location, amounts, signing dates), counted only as far as the names are alike (from
  0.4 to 0.8 similarity);
- two different phases of one project (一期 / 二期) halve the score.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from zhaoshang.projects.names import company_key, ngrams, phase_of, plain, project_name_key, without_city

DEFAULT_THRESHOLD = Decimal("0.65")
# A blocking key shared by more projects than this is skipped: it tells nothing (e.g. 饲料, or an investor
# with a thousand projects) and would make the work quadratic.
MAX_NAME_BLOCK = 60
MAX_INVESTOR_BLOCK = 300
WEIGHT_INVESTOR = 0.40
WEIGHT_NAME = 0.40
WEIGHT_CONTEXT = 0.20
AMOUNT_CLOSE = Decimal("0.2")  # amounts within 20% of the larger count as close
DATE_CLOSE_DAYS = 90


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A project as the check reads it. Amounts in 10k yuan; ``units`` are the credited (or responsible) units."""

    id: int
    code: str
    name: str
    investor: str = ""
    credit_code: str = ""
    location: str = ""
    amount: Decimal | None = None
    signed_on: dt.date | None = None
    created_on: dt.date | None = None
    units: frozenset[int] = frozenset()


@dataclasses.dataclass(frozen=True)
class _Keys:
    name_key: str
    name_grams: frozenset[str]
    sound: tuple[str, ...]
    sound_grams: frozenset[tuple[str, str]]
    company: str
    credit_code: str
    phase: int | None
    location_grams: frozenset[str]


_plain = functools.lru_cache(maxsize=65536)(plain)  # locations repeat: 城关镇工业园区…


@functools.lru_cache(maxsize=131072)
def _sound(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text))


def keys_of(candidate: Candidate) -> _Keys:
    company = company_key(candidate.investor) if candidate.investor else ""
    name_key = project_name_key(candidate.name)
    # The investor's trade name in the project's name says nothing more (鑫航物流产业园 / 物流产业园).
    trade = without_city(company)[:TRADE_NAME_LENGTH]
    if len(trade) == TRADE_NAME_LENGTH and trade in name_key and len(name_key) > len(trade) + 1:
        name_key = name_key.replace(trade, "", 1)
    sound = _sound(name_key)
    sound_grams = frozenset(itertools.pairwise(sound)) if len(sound) > 1 else frozenset({(*sound, "")})
    return _Keys(
        name_key=name_key,
        name_grams=frozenset(ngrams(name_key)),
        sound=sound,
        sound_grams=sound_grams,
        company=company,
        credit_code=unicodedata.normalize("NFKC", candidate.credit_code or "").replace(" ", "").upper(),
        # Only a name with 期 (or "phase") can give one: the check skips the normalising of the others.
        phase=phase_of(candidate.name) if "期" in candidate.name or "phase" in candidate.name.lower() else None,
        location_grams=frozenset(ngrams(_plain(candidate.location))),
    )


# A company's trade name (字号) is most often its first two characters: 卓通 of 宁波卓通农业开发股份有限公司.
TRADE_NAME_LENGTH = 2


# How much a trade name alone (the parent and its subsidiary, or two companies of one name) says: with the
# project's name alike it is not enough, the circumstances must agree too.
TRADE_NAME_ONLY = 0.35


def _sounds_inside(short: str, long: str) -> bool:
    """Is the sound of ``short`` that of a run of whole syllables of ``long`` (like精密 in li-ke-jing-mi; never
    heng-yuan inside z-heng-yuan)?"""
    inner = "".join(_sound(short))
    syllables = _sound(long)
    starts = set(itertools.accumulate((len(s) for s in syllables), initial=0))
    whole = "".join(syllables)
    at = whole.find(inner)
    while at != -1:
        if at in starts and at + len(inner) in starts:
            return True
        at = whole.find(inner, at + 1)
    return False


def _same_trade_name(a: str, b: str) -> bool:
    """Do two company keys start with one trade name, by its characters or its sound?"""
    head_a, head_b = a[:TRADE_NAME_LENGTH], b[:TRADE_NAME_LENGTH]
    return len(head_a) == len(head_b) == TRADE_NAME_LENGTH and (head_a == head_b or _sound(head_a) == _sound(head_b))


def investor_alike(a: str, b: str) -> float:
    """How alike two different company keys are, 0 when not: one written short inside the other, by its
    characters or its sound (卓通 / 卓通农业开发, like精密制造 / 利科精密制造: 0.75), the same sound (a wrong
    character: 晨祥 / 晨翔, 0.8), or the same trade name, by its characters or its sound (晨兴实业 / 晨兴纺织科技, a
    parent and its subsidiary: ``TRADE_NAME_ONLY``)."""
    short, long = sorted((a, b), key=len)
    if len(short) < TRADE_NAME_LENGTH:
        return 0.0
    if short in long or without_city(short) in long:
        return 0.75
    if _sound(a) == _sound(b):
        return 0.8
    # One written partly in pinyin or with a wrong character of the same sound inside the other: Like精密制造 /
    # 利科精密制造, ZHENGTONG新型建材 / 正通新型建材.
    if len(short) >= 3 and _sounds_inside(short, long):
        return 0.75
    if _same_trade_name(a, b):
        return TRADE_NAME_ONLY
    return 0.0


def _similarity(a: frozenset, b: frozenset) -> float:
    """The larger of Jaccard and (slightly discounted) containment: a name with a word added stays alike."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    return max(common / len(a | b), 0.9 * common / min(len(a), len(b)))


_NUMERALS = "〇一二三四五六七八九十"


def _phase(number: int) -> str:
    """一期, 二期… as the names write them (第11期 beyond ten)."""
    return f"{_NUMERALS[number]}期" if 0 < number <= 10 else f"第{number}期"


def _money(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def score(
    a: Candidate,
    b: Candidate,
    keys_a: _Keys | None = None,
    keys_b: _Keys | None = None,
    *,
    reasons_from: Decimal | None = None,
):
    """(score 0..1 as a Decimal of three places, reasons as a list of strings in the active language). The reasons
    are written only for a score at least ``reasons_from`` (when given): most pairs scored are far below."""
    ka = keys_a or keys_of(a)
    kb = keys_b or keys_of(b)
    notes: list = []  # the reasons, as functions: translated and formatted only when wanted

    other_company = 1.0
    if ka.credit_code and ka.credit_code == kb.credit_code:
        investor = 1.0
        notes.append(lambda: _("Same unified social credit code (%(code)s)") % {"code": ka.credit_code})
    elif ka.credit_code and kb.credit_code:
        # Two valid, different codes: two companies, however alike the names.
        investor, other_company = 0.0, 0.6
        notes.append(lambda: _("Different credit codes: %(a)s / %(b)s") % {"a": ka.credit_code, "b": kb.credit_code})
    elif ka.company and ka.company == kb.company:
        investor = 0.9
        notes.append(lambda: _("Same investor once the name is normalised: %(name)s") % {"name": ka.company})
    elif not ka.company or not kb.company:
        investor = 0.5
    else:
        investor = investor_alike(ka.company, kb.company)
        if investor:
            notes.append(lambda: _("Investor names alike: %(a)s / %(b)s") % {"a": a.investor, "b": b.investor})

    name = _similarity(ka.name_grams, kb.name_grams)
    sound = 0.95 * _similarity(ka.sound_grams, kb.sound_grams)
    if ka.sound == kb.sound and ka.name_key != kb.name_key:
        notes.append(lambda: _("Project names sound the same: %(a)s / %(b)s") % {"a": a.name, "b": b.name})
    similarity = max(name, sound)
    if similarity > 0:
        notes.append(lambda: _("Project name similarity %(value).2f") % {"value": similarity})

    context = 0.0
    if ka.location_grams and kb.location_grams and _similarity(ka.location_grams, kb.location_grams) >= 0.8:
        context += 0.4
        notes.append(lambda: _("Same location: %(a)s / %(b)s") % {"a": a.location, "b": b.location})
    if a.amount and b.amount and a.amount > 0 and b.amount > 0:
        larger = max(a.amount, b.amount)
        if abs(a.amount - b.amount) <= AMOUNT_CLOSE * larger:
            context += 0.35
            notes.append(
                lambda: (
                    _("Planned investment close: %(a)s / %(b)s (10k yuan)")
                    % {"a": _money(a.amount), "b": _money(b.amount)}
                )
            )
    if a.signed_on and b.signed_on and abs((a.signed_on - b.signed_on).days) <= DATE_CLOSE_DAYS:
        context += 0.25
        notes.append(
            lambda: (
                _("Signed close together: %(a)s / %(b)s") % {"a": a.signed_on.isoformat(), "b": b.signed_on.isoformat()}
            )
        )

    # The circumstances count only for names alike: one investor's two projects share a town, amounts and dates.
    alike = min(1.0, max(0.0, (similarity - 0.4) / 0.4))
    value = (WEIGHT_INVESTOR * investor + WEIGHT_NAME * similarity + WEIGHT_CONTEXT * context * alike) * other_company
    if ka.phase is not None and kb.phase is not None and ka.phase != kb.phase:
        value *= 0.5
        notes.append(
            lambda: _("The names give different phases: %(a)s / %(b)s") % {"a": _phase(ka.phase), "b": _phase(kb.phase)}
        )

    if a.units and b.units:
        if a.units & b.units:
            notes.append(lambda: _("Recorded by the same unit"))
        else:
            notes.append(lambda: _("Recorded by different units"))
    result = Decimal(str(min(max(value, 0.0), 1.0))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if reasons_from is not None and result < reasons_from:
        return result, []
    return result, [note() for note in notes]


def _block_keys(keys: _Keys) -> Iterator[tuple[str, object]]:
    if keys.credit_code:
        yield "c", keys.credit_code
    if keys.company:
        yield "i", keys.company
    yield "s", keys.sound
    for gram in keys.name_grams:
        yield "n", gram


class Index:
    """The inverted index of a ledger's candidates: build once, ask for the pairs of some or all of them."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates: dict[int, Candidate] = {}
        self.keys: dict[int, _Keys] = {}
        self.blocks: dict[tuple[str, object], list[int]] = defaultdict(list)
        for candidate in candidates:
            self.add(candidate)

    def add(self, candidate: Candidate) -> None:
        keys = keys_of(candidate)
        self.candidates[candidate.id] = candidate
        self.keys[candidate.id] = keys
        for block in _block_keys(keys):
            self.blocks[block].append(candidate.id)

    def _limit(self, kind: str) -> int:
        return MAX_INVESTOR_BLOCK if kind in ("c", "i") else MAX_NAME_BLOCK

    def neighbours(self, pk: int) -> set[int]:
        """The ids that share with ``pk`` a credit code, an investor, the name's sound or two rare name bigrams."""
        keys = self.keys[pk]
        found: set[int] = set()
        grams: Counter[int] = Counter()
        for block in _block_keys(keys):
            members = self.blocks.get(block, ())
            if len(members) > self._limit(block[0]):
                continue
            if block[0] == "n":
                grams.update(members)
            else:
                found.update(members)
        needed = min(2, len(keys.name_grams))
        found.update(other for other, count in grams.items() if count >= needed)
        found.discard(pk)
        return found

    def scored_pairs(self, ids: Iterable[int] | None = None, threshold: Decimal = DEFAULT_THRESHOLD):
        """Yield (low id, high id, score, reasons) for every pair at or above ``threshold`` involving ``ids``
        (every candidate when None), each pair once."""
        pool = self.candidates.keys() if ids is None else [pk for pk in ids if pk in self.candidates]
        wanted = set(pool)
        for pk in pool:
            for other in self.neighbours(pk):
                if other in wanted and other < pk:
                    continue  # scored from the other side
                low, high = sorted((pk, other))
                value, reasons = score(
                    self.candidates[low], self.candidates[high], self.keys[low], self.keys[high], reasons_from=threshold
                )
                if value >= threshold:
                    yield low, high, value, reasons


def similar_to(probe: Candidate, candidates: Iterable[Candidate], threshold: Decimal = DEFAULT_THRESHOLD):
    """The candidates like ``probe`` (a project being typed, not yet saved), best first: [(candidate, score,
    reasons)]. ``probe.id`` must not be one of the candidates' (use 0), unless it is the project being edited."""
    probe_keys = keys_of(probe)
    found = []
    for candidate in candidates:
        if candidate.id == probe.id:
            continue
        value, reasons = score(probe, candidate, probe_keys, reasons_from=threshold)
        if value >= threshold:
            found.append((candidate, value, reasons))
    found.sort(key=lambda row: (-row[1], row[0].id))
    return found
