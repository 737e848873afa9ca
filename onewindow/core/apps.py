from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Two libraries show their own sections in the admin, and neither ships Chinese: django-axes
# (sign-in lockout) and django-tasks-db (the task worker's results). Their apps name themselves
# with plain strings ("Axes", "Tasks Database Backend"), so `ready` names them; their models'
# names are gettext calls in the library, translated by the msgids below in core's catalog (one
# merged catalog serves every app). Renaming the models' Meta instead would change their
# migration state (a migration in a library's app).
LIBRARY_APPS = {"axes": _("sign-in lockout"), "django_tasks_database": _("task worker")}
LIBRARY_MODEL_NAMES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)


class CoreConfig(AppConfig):
    name = "onewindow.core"
    verbose_name = _("core (shared kernel)")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onewindow.core import checks  # noqa: F401 - registers the deploy checks
        from onewindow.core.middleware import start_idle_clock

        # Every sign-in (the workbench's page, the admin's) starts the session's idle clock.
        user_logged_in.connect(start_idle_clock, dispatch_uid="onewindow-idle-clock")
        for label, name in LIBRARY_APPS.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
