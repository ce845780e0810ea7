"""Reads for the plan's pages that only an app above the wizard can answer.

The wizard may not import the counter's desk, so ``staff`` registers its readers
here when it starts (``StaffConfig.ready``). Without them a plan shows no
application and the print sheet names no office.
"""
_readers = {}

# Set by the desk on every response to a signed-in member of staff, and dropped once signed out: a
# plan's page asks who is looking (which reads the session) only when it is there. It only saves that
# read for applicants; a forged one makes the page look the person up as before, and shows nothing more.
STAFF_HINT_COOKIE = "desk_signed_in"


def may_be_staff(request):
    """Return whether the request may come from a signed-in member of staff (see ``STAFF_HINT_COOKIE``)."""
    return STAFF_HINT_COOKIE in request.COOKIES


def register_plan_readers(*, application_status, printing_office):
    """Set the callables that answer for a plan's application and for a user's office."""
    _readers.update(application_status=application_status, printing_office=printing_office)


def application_status_for(plan):
    """Return what the applicant may see of the application opened from ``plan``, or None."""
    reader = _readers.get("application_status")
    return reader(plan) if reader is not None else None


def printing_office_for(user):
    """Return the office of the member of staff looking at a plan, or None."""
    reader = _readers.get("printing_office")
    return reader(user) if reader is not None else None
