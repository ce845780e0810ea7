from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wizard.selectors import register_plan_readers


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("受理点工作台")

    def ready(self):
        # The plan's pages show the application's state and the printing office; the wizard
        # may not import the desk, so the desk hands it its readers.
        from .selectors import office_of, status_for_applicant

        register_plan_readers(application_status=status_for_applicant, printing_office=office_of)
