"""The client's address for the login lock-out, behind the HTTPS proxy production runs behind."""
from django.conf import settings


def client_ip(request):
    """Return the address the nearest trusted proxy saw the client connect from.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the
    entry ``TRUSTED_PROXY_COUNT`` places from the right is the client; anything left
    of it was written by the client and cannot be trusted. With no proxy (count 0),
    or a header shorter than the count, the connecting address is the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
