"""The "receipt accepted" notice's title no longer says a receipt can be used where a first
application is photographed at the counter (Qinghai); its text says which (R8, second reading)."""
from django.db import migrations

OLD, NEW = "照片回执：可以用，但不是必须", "照片回执：不是必须"


def _retitle(apps, before, after):
    apps.get_model("procedures", "Notice").objects.filter(code="photo_receipt_optional", title=before).update(
        title=after)


def forwards(apps, schema_editor):
    _retitle(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _retitle(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0022_second_reading_fixes")]
    operations = [migrations.RunPython(forwards, backwards)]
