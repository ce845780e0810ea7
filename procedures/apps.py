from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("办理流程与内容")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and cache invalidation)
