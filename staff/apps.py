from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from wizard.selectors import register_plan_readers


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("受理点工作台")

    def ready(self):
        # The plan's pages show the application's state and the printing office; the wizard
        # may not import the desk, so the desk hands it its readers.
        from .models import Application
        from .selectors import forget_status_for_applicant, office_of, status_for_applicant
        from .views import refuse_public_lookup

        register_plan_readers(application_status=status_for_applicant, printing_office=office_of,
                              refuse_lookup=refuse_public_lookup)

        # A saved application (an acceptance, the admin; the desk's moves write through a queryset and
        # say so themselves) drops the status its plan page keeps.
        def forget(sender, instance, raw=False, **kwargs):
            if not raw:
                forget_status_for_applicant(instance.plan_id)

        post_save.connect(forget, sender=Application, weak=False, dispatch_uid="staff-forget-status-save")
        post_delete.connect(forget, sender=Application, weak=False, dispatch_uid="staff-forget-status-delete")
