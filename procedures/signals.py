"""Invalidate compiled content when the rows behind it change.

A procedure's cache key is (pk, revision, updated_at): saving the procedure row
moves ``updated_at``, saving any of its parts bumps ``revision``.

The compiled caches are per process; the counters live in the database so that
every worker sees a change made in another.
"""
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from . import models

PROCEDURE_PARTS = (
    models.State, models.Transition, models.Requirement, models.Fee, models.Notice,
    models.UrgentOption, models.ValidityRule, models.TimeLimit,
)


def bump_stamp(key):
    """Record that the content called ``key`` changed."""
    updated = models.ContentStamp.objects.filter(key=key).update(counter=F("counter") + 1)
    if not updated:
        models.ContentStamp.objects.get_or_create(key=key, defaults={"counter": 1})


def _procedure_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    models.Procedure.objects.filter(pk=instance.procedure_id).update(revision=F("revision") + 1)


def _calendar_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_stamp("calendar")


def _regions_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_stamp("regions")


for part in PROCEDURE_PARTS:
    post_save.connect(_procedure_part_changed, sender=part, dispatch_uid=f"rev-save-{part.__name__}")
    post_delete.connect(_procedure_part_changed, sender=part, dispatch_uid=f"rev-del-{part.__name__}")
for model in (models.CalendarDay, models.CalendarYear):
    post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"stamp-save-{model.__name__}")
    post_delete.connect(_calendar_changed, sender=model, dispatch_uid=f"stamp-del-{model.__name__}")
for model in (models.Region, models.RegionRule):
    post_save.connect(_regions_changed, sender=model, dispatch_uid=f"stamp-save-{model.__name__}")
    post_delete.connect(_regions_changed, sender=model, dispatch_uid=f"stamp-del-{model.__name__}")
