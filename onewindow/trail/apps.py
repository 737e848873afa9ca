from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrailConfig(AppConfig):
    name = "onewindow.trail"
    verbose_name = _("trail checkpoints")
