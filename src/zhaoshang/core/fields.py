"""Model fields shared by the apps."""

from __future__ import annotations

from django.db import models

from . import clock


class ClockDateTimeField(models.DateTimeField):
    """A ``DateTimeField`` whose ``auto_now``/``auto_now_add`` stamp is ``core.clock.now()`` (Django's stamps
    ``timezone.now()``), so that a write inside ``clock.frozen`` is dated like everything else it writes.

    The column is a plain DateTimeField's: the field deconstructs as ``django.db.models.DateTimeField``, so the
    migrations and their state do not change (only the Python-side stamp differs)."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        # Not DateField.pre_save: for auto_now it would stamp the machine's date (date.today).
        return models.Field.pre_save(self, model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
