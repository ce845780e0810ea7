from django import template

from staff import selectors

register = template.Library()


@register.filter
def masked_name(value):
    """张三丰 → 张**"""
    return selectors.mask_name(value or "")


@register.filter
def masked_phone(value):
    """13812345678 → 138****5678"""
    return selectors.mask_phone(value or "")


@register.filter
def status(application):
    """An application's current state as a status: 已受理, 制证中, 待领取..."""
    return selectors.application_status(application)


@register.filter
def status_of(state):
    """A compiled state as a status."""
    return selectors.status_of(state)
