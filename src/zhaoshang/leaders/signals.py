"""A new project gets its default stewards (项目保姆) once its transaction commits: by then its credits are
written, and stewards chosen by the user in the same transaction are kept (``apply_default_stewards`` adds none
to a project that has some)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from zhaoshang.projects.models import Project


@receiver(post_save, sender=Project, dispatch_uid="leaders.default_stewards")
def _new_project(sender, instance: Project, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    project_id = instance.pk

    def apply() -> None:
        from .services import apply_default_stewards

        project = Project.objects.filter(pk=project_id).first()
        if project is not None:
            apply_default_stewards(project)

    transaction.on_commit(apply)
