from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender, using="default", **kwargs):
    """Keep the role groups and their permissions in step with the installed models.

    post_migrate fires once per app; permissions of an app exist only after its own
    signal, so the roles are synced after each OneWindow app (cheap and idempotent)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    # Role groups live in the default database, the one the services write to.
    if not sender.name.startswith("onewindow.") or using != DEFAULT_DB_ALIAS:
        return

    from onewindow.org.services import roles_sync

    tables = connections[using].introspection.table_names()
    if "auth_group" not in tables or "auth_permission" not in tables:
        return
    roles_sync()


class OrgConfig(AppConfig):
    name = "onewindow.org"
    verbose_name = _("organisation")

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="onewindow.org.sync_roles")
        from onewindow.core import sms
        from onewindow.org import personal
        from onewindow.org.models import MobileCode

        personal.register()
        for purpose, label in MobileCode.Purpose.choices:  # the admin's outbox names them
            sms.purpose_label_set(purpose, label)
