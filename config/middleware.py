"""Project-wide middleware: security headers on every response, a polite 503 when the database is down
or the published content cannot give a plan."""
import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from procedures.engine import EngineError

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Set on the request when an uncaught database error was turned into a 500 further in.
UNAVAILABLE_FLAG = "_database_unavailable"


def csp_header_value(policy):
    """Return a Content-Security-Policy value from a mapping of directive -> sources."""
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy, Permissions-Policy and X-Frame-Options to every response.

    Outermost in ``MIDDLEWARE``, so error pages, static files and the 503 page get
    them too (Django's clickjacking middleware sits too far in to see the last
    two). Django's SecurityMiddleware sets HSTS, nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy. A response that set its own header keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = csp_header_value(settings.CONTENT_SECURITY_POLICY)
        self.relaxed = [
            (prefix, csp_header_value(policy))
            for prefix, policy in getattr(settings, "CONTENT_SECURITY_POLICY_PREFIXES", {}).items()
        ]
        self.permissions = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        policy = next((value for prefix, value in self.relaxed if request.path.startswith(prefix)), self.policy)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


def _flag_database_error(sender, request=None, **kwargs):
    """Mark a request whose uncaught exception was a database error (say, saving the session)."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, UNAVAILABLE_FLAG, True)


def unavailable_response():
    """Return the static 503 page: no request context, so nothing in it touches the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a polite page, not 500, while the database cannot be reached.

    A view's (or template's) database error arrives in ``process_exception``. One
    raised by middleware further in (the session saved on the way out, the user
    loaded on the way in) has already become a 500 there; the
    ``got_request_exception`` signal marks the request, and the 500 is swapped
    here. Django closes a connection that raised on the next request's start,
    and ``CONN_HEALTH_CHECKS`` drops a persistent one gone bad, so the site
    recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_flag_database_error, dispatch_uid="config.middleware.database_unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, UNAVAILABLE_FLAG, False):
            return unavailable_response()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=exception)
            return unavailable_response()
        if isinstance(exception, EngineError):
            # Published content that cannot give a plan (a row saved around the checks): a content
            # bug to fix in the admin, not the applicant's error, and never a wrong plan instead.
            logger.error("Content cannot give a plan: %s %s", request.method, request.path, exc_info=exception)
            return unavailable_response()
        return None
