from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "onewindow.portal"
    verbose_name = _("citizen portal")
