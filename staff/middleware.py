"""Headers for every page under the desk's address."""
from django.conf import settings
from django.db import Error as DatabaseError
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from wizard.selectors import STAFF_HINT_COOKIE


class NoStoreMiddleware:
    """Keep every desk response, error pages included, out of the browser's and any proxy's cache.

    The counter PC is shared: after a clerk signs out, Back or the history must not
    show the next person an applicant's plan or phone number.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("staff:desk")):
            add_never_cache_headers(response)
            self.hint(request, response)
        return response

    @staticmethod
    def hint(request, response):
        """Tell the plan's pages (``wizard.selectors.may_be_staff``) whether a member of staff is signed in.

        Not on an error page: the 503 page (the database out of reach) stays the 503 page, rather than
        becoming a 500 by asking the database who is signed in.
        """
        if response.status_code >= 500:
            return
        try:
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
        except DatabaseError:
            return
        if signed_in:
            if STAFF_HINT_COOKIE not in request.COOKIES:
                # Ends with the browser, like the desk's session; carries nothing but its presence.
                response.set_cookie(STAFF_HINT_COOKIE, "1", secure=settings.SESSION_COOKIE_SECURE,
                                    httponly=True, samesite="Lax")
        elif STAFF_HINT_COOKIE in request.COOKIES:
            response.delete_cookie(STAFF_HINT_COOKIE, samesite="Lax")
