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
