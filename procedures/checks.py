"""Run the graph checks on published procedures as a Django system check."""
from django.core import checks
from django.db import DatabaseError


@checks.register("procedures")
def published_procedures_check(app_configs=None, **kwargs):
    """Report graph problems in published procedures (nothing before the tables exist)."""
    from .models import Procedure
    from .validation import check_procedures

    try:
        return check_procedures(Procedure.objects.filter(status=Procedure.Status.PUBLISHED))
    except DatabaseError:
        return []
