"""名称对照: the tables that let a county's sheets name units, persons and stages their own way (issue 15), and the
saved column mappings. Bureau staff only; every write goes through the owning app's service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization import aliases as unit_aliases
from zhaoshang.organization.models import UnitAlias
from zhaoshang.persons import aliases as person_aliases
from zhaoshang.persons.models import PersonAlias
from zhaoshang.projects import stage_words
from zhaoshang.projects.choices import STAGE_WORD_TARGETS
from zhaoshang.projects.models import StageWord

from . import mappings
from .alias_forms import PersonAliasForm, StageWordForm, UnitAliasForm
from .models import SourceMapping

# Status words listed as the pipeline runs: lead … producing, then stalled and dropped.
TARGET_ORDER = {value: index for index, (value, _label) in enumerate(STAGE_WORD_TARGETS)}


def _check(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def _saved(request, form, save, message: str, section: str):
    """Run a service with a valid form's data; its refusal becomes the form's error, shown on the page."""
    if not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        add_form_errors(form, error)
        return None
    messages.success(request, message)
    return redirect(f"{reverse('transfer:aliases')}#{section}")


@login_required
def aliases_page(request):
    _check(request.user)
    user = request.user
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if post else None
    unit_form = UnitAliasForm(post if action == "unit" else None)
    person_form = PersonAliasForm(post if action == "person" else None)
    word_form = StageWordForm(post if action == "word" else None)
    done = None
    if action == "unit":
        done = _saved(
            request,
            unit_form,
            lambda d: unit_aliases.confirm_alias(alias=d["alias"], unit=d["unit"], user=user),
            _("Alias saved."),
            "units",
        )
    elif action == "person":
        done = _saved(
            request,
            person_form,
            lambda d: person_aliases.confirm_alias(alias=d["alias"], person=d["person"], user=user),
            _("Alias saved."),
            "persons",
        )
    elif action == "word":
        done = _saved(
            request,
            word_form,
            lambda d: stage_words.save_stage_word(word=d["word"], target=d["target"], user=user),
            _("Status word saved."),
            "words",
        )
    if done:
        return done
    context = {
        "unit_aliases": UnitAlias.objects.select_related("unit").order_by("alias"),
        "person_aliases": PersonAlias.objects.select_related("person__unit").order_by("alias"),
        "stage_words": sorted(StageWord.objects.all(), key=lambda row: (TARGET_ORDER.get(row.target, 99), row.word)),
        "mappings": SourceMapping.objects.order_by("name"),
        "unit_form": unit_form,
        "person_form": person_form,
        "word_form": word_form,
    }
    return render(request, "transfer/aliases.html", context)


@login_required
@require_POST
def alias_remove(request, kind: str, pk: int):
    """Remove one row of a table: a unit alias, a person alias, a status word or a saved mapping."""
    _check(request.user)
    user = request.user
    if kind == "unit":
        unit_aliases.remove_alias(alias=get_object_or_404(UnitAlias, pk=pk), user=user)
        section = "units"
    elif kind == "person":
        person_aliases.remove_alias(alias=get_object_or_404(PersonAlias, pk=pk), user=user)
        section = "persons"
    elif kind == "word":
        stage_words.remove_stage_word(stage_word=get_object_or_404(StageWord, pk=pk), user=user)
        section = "words"
    elif kind == "mapping":
        mappings.delete_mapping(mapping=get_object_or_404(SourceMapping, pk=pk), user=user)
        section = "mappings"
    else:
        raise Http404
    messages.success(request, _("Removed."))
    return redirect(f"{reverse('transfer:aliases')}#{section}")


@login_required
def mapping_file(request, pk: int):
    """A saved mapping as the JSON file ``zhaoshang import --mapping FILE`` reads."""
    _check(request.user)
    mapping = get_object_or_404(SourceMapping, pk=pk)
    data = json.dumps(mappings.mapping_json(mapping), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(data.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{mapping.name}.json")
    return response
