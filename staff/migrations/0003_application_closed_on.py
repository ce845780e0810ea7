from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate


def backfill(apps, schema_editor):
    """Date the applications already closed: the collection day, else the last update."""
    Application = apps.get_model("staff", "Application")
    Application.objects.filter(is_closed=True, closed_on__isnull=True).update(
        closed_on=Coalesce(F("collected_on"), TruncDate("updated_at")))


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0002_groups_and_append_only_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="closed_on",
            field=models.DateField(
                blank=True, help_text="到达任一结束环节（领证、邮寄、撤回、退回）的日期。", null=True,
                verbose_name="办结日期"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
