"""``{% live "template" %}``: a part of a plan page that is never kept with the rest of it.

Rendered as usual, the tag includes the template with the page's context. While a
plan page is rendered to be kept (``plan_views.cached_page``), the context holds
``live_markers``: the tag then writes a marker instead, and the part is rendered
afresh into each copy of the page served (the application's state, the member of
staff's office and links, the printing date).
"""
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def marker(template_name):
    """Return the text that stands for a live part in a kept page."""
    return f"<!--live:{template_name}-->"


@register.simple_tag(takes_context=True)
def live(context, template_name):
    markers = context.get("live_markers")
    if markers is not None:
        markers.add(template_name)
        return mark_safe(marker(template_name))
    return context.template.engine.get_template(template_name).render(context)
