"""Invalidate compiled content when the rows behind it change.

A procedure's cache key is (pk, cache_token, updated_at): saving the procedure row
moves ``updated_at``, saving any of its parts draws a new ``cache_token``.

The compiled caches are per process; the tokens live in the database so that
every worker sees a change made in another.
"""
import secrets

from django.db.models.signals import post_delete, post_save

from . import models
from .parts import PARTS


def new_token():
    return secrets.randbits(62)


def bump_stamp(key):
    """Record that the content called ``key`` changed."""
    models.ContentStamp.objects.update_or_create(key=key, defaults={"token": new_token()})


def _procedure_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    models.Procedure.objects.filter(pk=instance.procedure_id).update(cache_token=new_token())
    bump_stamp("procedures")


def _procedure_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_stamp("procedures")


def _calendar_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_stamp("calendar")


def _regions_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_stamp("regions")


for model in (part.model for part in PARTS):
    post_save.connect(_procedure_part_changed, sender=model, dispatch_uid=f"rev-save-{model.__name__}")
    post_delete.connect(_procedure_part_changed, sender=model, dispatch_uid=f"rev-del-{model.__name__}")
post_save.connect(_procedure_changed, sender=models.Procedure, dispatch_uid="stamp-save-Procedure")
post_delete.connect(_procedure_changed, sender=models.Procedure, dispatch_uid="stamp-del-Procedure")
for model in (models.CalendarDay, models.CalendarYear):
    post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"stamp-save-{model.__name__}")
    post_delete.connect(_calendar_changed, sender=model, dispatch_uid=f"stamp-del-{model.__name__}")
for model in (models.Region, models.RegionRule, models.ServicePoint):
    post_save.connect(_regions_changed, sender=model, dispatch_uid=f"stamp-save-{model.__name__}")
    post_delete.connect(_regions_changed, sender=model, dispatch_uid=f"stamp-del-{model.__name__}")
