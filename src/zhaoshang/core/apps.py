from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        pre_create_historical_record.connect(_date_from_clock, dispatch_uid="zhaoshang-core-history-date")


def _date_from_clock(sender, instance, history_instance, **kwargs) -> None:
    """A history row saved with the instance is dated by ``core.clock`` (django-simple-history dates it with
    ``timezone.now()``), unless the writer gave the instance a ``_history_date`` of its own."""
    from . import clock

    if not hasattr(instance, "_history_date"):
        history_instance.history_date = clock.now()
