"""The Jinja2 environment for the hottest applicant pages (a wizard step), through Django's own backend.

Every other page uses Django's template engine. Strings go through Django's translation machinery
(``_()`` / ``gettext`` in the templates, installed as new-style gettext, so placeholders are filled
and escaped by Jinja), and ``static()`` and ``url()`` work as the Django tags do. Autoescaping is on
(Django's backend turns it on unless told otherwise), and ``csrf_input`` comes from the backend.
"""
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment


def url(name, *args, **kwargs):
    """``{{ url("wizard:text_size") }}``: the ``{% url %}`` tag."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(static=static, url=url)
    return env
