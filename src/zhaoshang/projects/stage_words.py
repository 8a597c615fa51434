"""A county's status words and the stages they mean (issue 15): the table the bureau edits (``StageWord``).

A sheet's status cell is read by ``StageWordResolver.resolve``: the word itself (after ``normalise_name``), or the
longest known word a longer cell starts with ("在建，主体已封顶" → 在建 → started). The defaults below are seeded by
a data migration; the bureau can change or delete them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.aliases import normalise_name

from .choices import STAGE_WORD_TARGETS
from .models import StageWord

TARGETS = {value for value, _label in STAGE_WORD_TARGETS}

DEFAULT_WORDS = {
    "negotiating": ("洽谈", "洽谈中", "在谈"),
    "intention": ("意向", "已签意向", "前期", "前期工作"),
    "signed": ("签约", "已签约", "协议", "已签协议", "签订协议"),
    "started": ("开工", "在建", "已开工", "建设中", "续建", "新开工"),
    "producing": ("投产", "已投产", "竣工", "竣工投产", "建成投产", "运营"),
    "stalled": ("停滞", "停工", "暂停", "缓建"),
    "dropped": ("终止", "取消", "退出"),
}


class StageWordResolver:
    """The table loaded once: ``resolve(cell)`` gives a Stage value, "stalled", "dropped" or None."""

    def __init__(self, words: dict[str, str] | None = None):
        self.words = dict(StageWord.objects.values_list("word", "target")) if words is None else words
        self.by_length = sorted(self.words, key=len, reverse=True)

    def resolve(self, cell) -> str | None:
        key = normalise_name(cell)
        if not key:
            return None
        if key in self.words:
            return self.words[key]
        for word in self.by_length:
            if key.startswith(word):
                return self.words[word]
        return None


def word_errors(word: str, target: str) -> list[str]:
    errors = []
    key = normalise_name(word)
    if not key:
        errors.append(_("A status word cannot be empty."))
    elif len(key) > StageWord._meta.get_field("word").max_length:
        errors.append(_("A status word has at most 30 characters."))
    if target not in TARGETS:
        errors.append(_("“%(target)s” is not a stage or status.") % {"target": target})
    return errors


@transaction.atomic
def save_stage_word(*, word: str, target: str, user) -> StageWord:
    """Add a word, or change what a known word means (bureau staff)."""
    if not access.edits_everything(user):
        raise PermissionDenied
    errors = word_errors(word, target)
    if errors:
        raise ValidationError(errors)
    key = normalise_name(word)
    record = StageWord.objects.filter(word=key).first() or StageWord(word=key)
    if record.pk and record.target == target:
        return record
    record.target = target
    as_user(record, user).save()
    return record


@transaction.atomic
def remove_stage_word(*, stage_word: StageWord, user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied
    as_user(stage_word, user).delete()
