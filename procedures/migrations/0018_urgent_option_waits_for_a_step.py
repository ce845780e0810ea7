"""An urgent option can wait for a step: the Delta temporary card comes after sign-off (R5).

The Yangtze River Delta pilot issues the temporary card at the accepting station once the
household-registration office has signed off, "签发后约 3 日内制发" (the option's own source, the
Shanghai police notice of 2023-03-13). The plan then says by when it is in hand and whether that is
in time for the day the person needs ID. The sign-off state's milestone gains its choice (0017).
"""
from django.db import migrations, models

TEMPORARY_CARD_WAITS = ("cross-region-renewal", "cross-region-reissue", "cross-region-first-application")


def _set(apps, ready_after, days):
    UrgentOption = apps.get_model("procedures", "UrgentOption")
    UrgentOption.objects.filter(procedure__slug__in=TEMPORARY_CARD_WAITS, code="temporary_card").update(
        ready_after=ready_after, ready_within_days=days)


def forwards(apps, schema_editor):
    _set(apps, "issued", 3)


def backwards(apps, schema_editor):
    _set(apps, "", None)


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0017_signoff_issues_the_card'),
    ]

    operations = [
        migrations.AddField(
            model_name='urgentoption',
            name='ready_after',
            field=models.CharField(blank=True, choices=[('', '无'), ('accepted', '受理'), ('card_ready', '证件可领取'), ('issued', '审核签发'), ('collected', '已领证'), ('mailed', '证件已寄出')], default='', help_text='例如临时身份证要等户籍地审核签发之后才制发；留空表示随时可以办。', max_length=12, verbose_name='哪一步之后才能拿到'),
        ),
        migrations.AddField(
            model_name='urgentoption',
            name='ready_within_days',
            field=models.PositiveSmallIntegerField(blank=True, help_text='填了“哪一步之后”才用：清单据此算出大约最晚哪天能拿到，赶不上申请人要用证的日期时会说明。', null=True, verbose_name='那一步之后约几天拿到（日历日）'),
        ),
        migrations.AlterField(
            model_name='state',
            name='milestone',
            field=models.CharField(blank=True, choices=[('', '无'), ('accepted', '受理'), ('card_ready', '证件可领取'), ('issued', '审核签发'), ('collected', '已领证'), ('mailed', '证件已寄出')], default='', max_length=12, verbose_name='里程碑'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
