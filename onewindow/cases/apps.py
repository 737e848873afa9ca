from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    verbose_name = _("applications and cases")

    def ready(self) -> None:
        from onewindow.cases import personal

        personal.register()
