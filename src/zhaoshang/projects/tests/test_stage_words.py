"""A county's status words and the stages they mean: seeded defaults, the bureau's edits, prefix matching."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import StageWord
from zhaoshang.projects.stage_words import (
    DEFAULT_WORDS,
    StageWordResolver,
    remove_stage_word,
    save_stage_word,
)

pytestmark = pytest.mark.django_db


def test_the_defaults_are_seeded():
    seeded = dict(StageWord.objects.values_list("word", "target"))
    assert seeded == {word: target for target, words in DEFAULT_WORDS.items() for word in words}
    assert set(seeded.values()) <= {*Stage.values, Status.STALLED, Status.DROPPED}


@pytest.mark.parametrize(
    ("cell", "target"),
    [
        ("在建", "started"),
        (" 已签约 ", "signed"),
        ("协议", "signed"),
        ("已投产", "producing"),
        ("洽谈中", "negotiating"),
        ("停工", "stalled"),
        ("取消", "dropped"),
        ("在建，主体完工60%", "started"),
        ("已签意向，待签约", "intention"),  # the longest word the cell starts with
        ("竣工投产，年产值3亿", "producing"),
    ],
)
def test_words_resolve(cell, target):
    assert StageWordResolver().resolve(cell) == target


def test_unknown_words_do_not(users):
    resolver = StageWordResolver()
    for cell in ("", None, "正在办理手续", "主体在建"):
        assert resolver.resolve(cell) is None


def test_the_bureau_adds_changes_and_removes_words(users):
    bureau = users["bureau"]
    save_stage_word(word="手续办理中", target="intention", user=bureau)
    assert StageWordResolver().resolve("手续办理中（预计6月开工）") == "intention"
    word = save_stage_word(word="运营", target="started", user=bureau)
    assert StageWordResolver().resolve("运营") == "started"
    remove_stage_word(stage_word=word, user=bureau)
    assert StageWordResolver().resolve("运营") is None
    history = StageWord.history.filter(word="运营").order_by("history_id")
    assert [(h.history_type, h.target) for h in history] == [("~", "started"), ("-", "started")]
    assert all(h.history_user == bureau for h in history)


def test_bad_words_are_refused(users):
    with pytest.raises(ValidationError):
        save_stage_word(word=" ", target="started", user=users["bureau"])
    with pytest.raises(ValidationError):
        save_stage_word(word="完成", target="active", user=users["bureau"])
    with pytest.raises(PermissionDenied):
        save_stage_word(word="完成", target="producing", user=users["reporter_a"])
