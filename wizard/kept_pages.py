"""Plan pages rendered once and kept in the cache, with their live parts filled in on every request.

A plan never changes once stored, so its page depends only on the code, the
language, the text size, the address it is served at (the print sheet's QR code
and link) and the code, templates, translations and static files deployed. The
key holds all of these: a deploy with any change to them starts on new keys, and
instances of two versions side by side on one Redis never serve each other's pages.
The parts that change for a plan or differ per person (``{% live %}`` in the
templates) are rendered for each request.
"""
import functools
import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import CODE_ALPHABET, CODE_LENGTH
from .preferences import TEXT_SIZE_COOKIE
from .templatetags.live_parts import marker

# Seconds a rendered page is kept; plans do not change, so this only bounds the memory they take.
PAGE_TIMEOUT = 24 * 60 * 60
# What a plan page is made from, besides the plan itself (folders under BASE_DIR, file patterns).
SOURCES = (("templates", "*.html"), ("locale", "*.mo"), ("static", "*"),
           ("procedures", "*.py"), ("wizard", "*.py"), ("staff", "*.py"), ("config", "*.py"))


@functools.lru_cache(maxsize=1)
def deployed_version():
    """Return a digest of the code, templates, translations and static files this process serves."""
    digest = hashlib.blake2b(digest_size=10)
    for folder, pattern in SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def page_key(request, template_name, code):
    """Return the cache key of a plan page for this request, or None when the page is not kept.

    Not kept: with DEBUG on (templates change under a running server), for a code in
    any but its stored spelling (that request is redirected), or with a query string
    (the page links back to its own full address).
    """
    if settings.DEBUG or request.method not in ("GET", "HEAD") or request.GET:
        return None
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    size = "large" if request.COOKIES.get(TEXT_SIZE_COOKIE) == "large" else "normal"
    return ":".join(("plan-page", deployed_version(), template_name, code, translation.get_language(), size,
                     request.scheme, request.get_host()))


def fill_live_parts(html, parts, context):
    """Return a kept page with each live part rendered for this request.

    ``parts`` maps each part's template to the context value it shows; a part whose
    value is empty (no application, not signed in) shows nothing and is not rendered.
    """
    for name, shows in parts.items():
        html = html.replace(marker(name), render_to_string(name, context) if context.get(shows) else "")
    return html
