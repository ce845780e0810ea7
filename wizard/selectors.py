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


def register_plan_readers(*, application_status, printing_office, refuse_lookup=None):
    """Set the callables that answer for a plan's application and for a user's office.

    ``refuse_lookup(request)`` counts a signed-in clerk's opening of a plan's page against the
    desk's look-up limit and returns the page to answer with once past it (else None).
    """
    _readers.update(application_status=application_status, printing_office=printing_office,
                    refuse_lookup=refuse_lookup)


def refused_lookup(request):
    """Return the answer to a clerk past the look-up limit opening a plan's page, or None to go on.

    Only a browser the desk marked as a signed-in clerk's is counted: an applicant's request
    reads nothing more (the desk's limit would otherwise be one address away from the desk's pages).
    """
    reader = _readers.get("refuse_lookup")
    if reader is None or not may_be_staff(request):
        return None
    return reader(request)


def application_status_for(plan):
    """Return what the applicant may see of the application opened from ``plan``, or None."""
    reader = _readers.get("application_status")
    return reader(plan) if reader is not None else None


def printing_office_for(user):
    """Return the office of the member of staff looking at a plan, or None."""
    reader = _readers.get("printing_office")
    return reader(user) if reader is not None else None
