"""Versions: a status (draft / published / retired), an effective date, and who and when.

The seeded versions were published as the law took effect: 2004-01-01, by nobody.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SEED_EFFECTIVE_FROM = datetime.date(2004, 1, 1)


def status_from_flag(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Procedure.objects.filter(is_published=True).update(
        status="published", effective_from=SEED_EFFECTIVE_FROM, published_by=None
    )


def flag_from_status(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    today = datetime.date.today()
    for slug in Procedure.objects.filter(status="published").values_list("slug", flat=True).distinct():
        live = (
            Procedure.objects.filter(slug=slug, status="published", effective_from__lte=today)
            .order_by("-effective_from", "-version")
            .first()
        )
        if live is not None:
            Procedure.objects.filter(pk=live.pk).update(is_published=True)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_seed_procedures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="based_on",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.procedure",
                verbose_name="复制自",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, null=True, verbose_name="创建时间"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="创建人",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="effective_from",
            field=models.DateField(
                blank=True,
                help_text="发布后从这一天起对申请人生效（可以是将来的日期）。",
                null=True,
                verbose_name="生效日期",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="发布人",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("published", "已发布"), ("retired", "已停用")],
                default="draft",
                help_text="已发布和已停用的版本不能再修改；要改动，请新建草稿。",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(status_from_flag, flag_from_status),
        migrations.RemoveConstraint(
            model_name="procedure",
            name="procedure_one_published_version",
        ),
        migrations.RemoveField(
            model_name="procedure",
            name="is_published",
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "published")),
                fields=("slug", "effective_from"),
                name="procedure_one_published_version_per_day",
                violation_error_message="同一流程在同一生效日期只能有一个已发布版本。",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("slug",),
                name="procedure_one_draft",
                violation_error_message="同一流程同时只能有一个草稿。",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("effective_from__isnull", False), _connector="OR"),
                name="procedure_published_has_effective_date",
                violation_error_message="已发布的版本必须有生效日期。",
            ),
        ),
    ]
