"""A third severity, 必须注意, for the warnings without which a trip is wasted (no identity document,
no old card to hand back, the renewal window not yet open, a minor without a guardian, registered
details to change at home first): the plan's 请特别注意 lists them first (issue 11)."""
from django.db import migrations, models

CRITICAL = ("no_identity_document", "no_old_card", "renewal_window_not_open", "guardian_must_attend",
            "fix_registration_first", "first_application_before_nationwide")


def _set(apps, before, after):
    apps.get_model("procedures", "Notice").objects.filter(code__in=CRITICAL, severity=before).update(severity=after)


def forwards(apps, schema_editor):
    _set(apps, "warning", "critical")


def backwards(apps, schema_editor):
    _set(apps, "critical", "warning")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0023_photo_optional_title")]
    operations = [
        migrations.AlterField(
            model_name="notice",
            name="severity",
            field=models.CharField(choices=[("critical", "必须注意（不照做就办不成或白跑一趟）"), ("warning", "警示"),
                                            ("info", "提示")], default="info", max_length=10, verbose_name="级别"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
