from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "onewindow.workbench"
    verbose_name = _("staff workbench")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onewindow.workbench.password import mark_password_change

        # Not business logic: it marks the session of a person who must first choose a new
        # password, for whichever sign-in page they used (workbench or admin).
        user_logged_in.connect(mark_password_change, dispatch_uid="workbench.mark_password_change")
