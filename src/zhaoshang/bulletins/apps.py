from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "zhaoshang.bulletins"
    label = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        # The assessment's accountability rule reads who the last issued bulletin criticised: given to it here,
        # since the assessment must not import the bulletins (they depend on it).
        from zhaoshang.assessment.earlier import (
            register_criticised_reader,
            register_criticisms_reader,
            register_history_reader,
        )

        from .selectors import criticised_history, criticised_in_last_issued, criticisms_in

        register_criticised_reader(criticised_in_last_issued)
        register_criticisms_reader(criticisms_in)
        register_history_reader(criticised_history)
