"""What every desk page's navigation shows."""
import functools

from . import selectors


def desk_nav(request):
    """Offer the office's overdue count to the desk's navigation, counted only if a page shows it."""
    office = getattr(request, "desk_office", None)
    if office is None:
        return {}
    return {"nav_overdue_count": functools.partial(selectors.overdue_count, office)}
