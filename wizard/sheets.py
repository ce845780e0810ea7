"""What a plan's pages show of it that is the same for everyone, and the print sheet's QR code.

Apart from the views so that the desk can print a case on the same sheet.
"""
import functools

import segno

from procedures import questions


def page_context(request, plan):
    """Return what a plan's page shows that is the same for everyone, every day."""
    context = {"plan": plan, "result": plan.computed, "answers": questions.from_json(plan.answers)}
    if plan.pk is not None:
        context["plan_url"] = request.build_absolute_uri(plan.get_absolute_url())
    return context


@functools.lru_cache(maxsize=1024)
def qr_svg(text, *, title):
    """Return an inline SVG QR code for ``text``, sized by CSS (no width or height).

    Kept per address: a plan's code never changes, and drawing one costs more than
    the rest of the print sheet.
    """
    svg = segno.make(text, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff", title=title, svgclass="qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)
