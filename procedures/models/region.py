"""Regions, their local rules, the working-day calendar and the content stamps.

Regions, rules and the office directory keep a history of every change (django-simple-history),
which the admin lists, compares with the current row and restores from.
"""
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import vocabulary
from ..vocabulary import DurationUnit
from .base import ConditionField, Sourced


class Region(Sourced):
    """A provincial- or prefecture-level division (GB/T 2260)."""

    Level = vocabulary.RegionLevel

    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")])
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级"))
    pinyin = models.CharField(_("拼音"), max_length=128, blank=True)
    history = HistoricalRecords(verbose_name=_("行政区的历史版本"), verbose_name_plural=_("行政区的历史版本"))

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["code"]

    def __str__(self):
        return f"{self.full_name}（{self.code}）"

    @property
    def full_name(self):
        if self.parent_id and self.parent.code != self.code:
            return f"{self.parent.name}{self.name}"
        return self.name


class RegionRule(Sourced):
    """A local policy of a region; a prefecture inherits its province's rule."""

    Topic = vocabulary.RegionTopic

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="rules", verbose_name=_("行政区"))
    topic = models.CharField(_("事项"), max_length=24, choices=Topic.choices)
    applies = models.BooleanField(
        _("适用"), default=True, help_text=_("取消勾选可让某个地级市不适用省里的规定。"))
    days = models.PositiveIntegerField(_("天数"), null=True, blank=True)
    unit = models.CharField(
        _("天数单位"), max_length=14, choices=DurationUnit.choices, default=DurationUnit.CALENDAR_DAYS)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(verbose_name=_("地方规定的历史版本"), verbose_name_plural=_("地方规定的历史版本"))

    class Meta:
        verbose_name = _("地方规定")
        verbose_name_plural = _("地方规定")
        ordering = ["region__code", "topic"]
        constraints = [models.UniqueConstraint(fields=["region", "topic"], name="region_rule_unique")]

    def __str__(self):
        return f"{self.region.name}：{self.get_topic_display()}"


class CalendarDay(Sourced):
    """An official exception to the Monday-to-Friday week: a holiday or a swapped working day."""

    Kind = vocabulary.CalendarDayKind

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(Sourced):
    """A year whose official holiday schedule has been entered in full."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("全年安排已录入"), default=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class ContentStamp(models.Model):
    """A random token replaced whenever a kind of cached content changes, in any process.

    Random rather than a counter: a rolled-back change must never leave behind a
    value that a later, different change could reuse.
    """

    key = models.CharField(max_length=32, unique=True)
    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("缓存版本")
        verbose_name_plural = _("缓存版本")

    def __str__(self):
        return f"{self.key}={self.token}"


class ServicePoint(Sourced):
    """An entry of the office directory: an office where the card is applied for, or an official channel
    (an app or public account) for booking or applying, of a prefecture or a whole province.

    Only what a source says is entered; a blank field is shown as not known. A plan lists the
    entries of the place where the person applies whose condition holds, else its province's channels.
    """

    Kind = vocabulary.ServicePointKind
    Weekend = vocabulary.WeekendService

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="service_points", verbose_name=_("行政区"),
        help_text=_("地级市的受理点填地级市；全省通用的渠道填省。"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.OFFICE)
    name = models.CharField(_("名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=64, blank=True)
    booking = models.CharField(_("怎么预约或办理"), max_length=300, blank=True,
                               help_text=_("例如公众号、App 或小程序的名称和入口。"))
    booking_url = models.URLField(_("预约网址"), blank=True)
    weekend = models.CharField(_("周末"), max_length=10, choices=Weekend.choices, default=Weekend.UNKNOWN)
    condition = ConditionField(help_text=_("留空表示对在这里办理的每个人都显示。示例："
                                           '{"fact": "same_province", "op": "eq", "value": true}'))
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords(
        verbose_name=_("办证地点或渠道的历史版本"), verbose_name_plural=_("办证地点和渠道的历史版本"))

    class Meta:
        verbose_name = _("办证地点或渠道")
        verbose_name_plural = _("办证地点和渠道")
        ordering = ["region__code", "order", "pk"]

    def __str__(self):
        return f"{self.region.name}：{self.name}"
