"""The household-registration office's sign-off is the day the card is issued (签发) (R1).

The new card's validity is set by the holder's age on the day it is issued and runs from that day
(Resident Identity Card Law Art. 5); the engine takes that day from the state marked ``issued``, and
without one from the acceptance. The cross-region procedures have a sign-off step: mark it.
"""
from django.db import migrations

SIGNED_OFF_AT_HOME = ("cross-region-renewal", "cross-region-reissue", "cross-region-first-application")


def _mark(apps, milestone):
    State = apps.get_model("procedures", "State")
    State.objects.filter(procedure__slug__in=SIGNED_OFF_AT_HOME, code="signoff").update(milestone=milestone)


def forwards(apps, schema_editor):
    _mark(apps, "issued")


def backwards(apps, schema_editor):
    _mark(apps, "")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0016_apply_step_words")]
    operations = [migrations.RunPython(forwards, backwards)]
