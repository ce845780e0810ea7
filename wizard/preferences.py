"""The reader's display preferences: a larger text size that stays on from page to page.

A plain link sets a cookie and sends the reader back, so the switch works without
JavaScript; ``base.html`` reads the cookie and marks ``<html>``, and the CSS scales
every size from the root font size.
"""
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

TEXT_SIZE_COOKIE = "text_size"
TEXT_SIZES = ("normal", "large")
# A year: older readers should not have to find the switch again next month.
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@require_GET
def text_size(request):
    """Remember the chosen text size and go back to the page the reader came from."""
    size = request.GET.get("size")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if size == "large":
        response.set_cookie(TEXT_SIZE_COOKIE, size, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    return response
