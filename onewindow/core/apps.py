from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onewindow.core"
    verbose_name = _("core (shared kernel)")

    def ready(self) -> None:
        from onewindow.core import checks  # noqa: F401 - registers the deploy checks
