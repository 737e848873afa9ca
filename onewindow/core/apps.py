from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onewindow.core"
    verbose_name = _("core (shared kernel)")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onewindow.core import checks  # noqa: F401 - registers the deploy checks
        from onewindow.core.middleware import start_idle_clock

        # Every sign-in (the workbench's page, the admin's) starts the session's idle clock.
        user_logged_in.connect(start_idle_clock, dispatch_uid="onewindow-idle-clock")
