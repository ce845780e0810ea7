"""A procedure version and its parts: states, transitions, documents, fees, notices, limits."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import vocabulary
from ..vocabulary import DurationUnit
from .base import ConditionField, Sourced, slug_validator


class Procedure(Sourced):
    """One way of getting a card, as a state machine; one row per version.

    Admins edit a draft; publishing freezes it. The live version of a slug on a
    day is the published version with the latest ``effective_from`` on or before
    that day, so a version can be published ahead of the day it takes effect.
    """

    Status = vocabulary.VersionStatus

    Outcome = vocabulary.Outcome

    Kind = vocabulary.ProcedureKind

    slug = models.SlugField(_("标识"), max_length=64)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT,
        help_text=_("已发布和已停用的版本不能再修改；要改动，请新建草稿。"))
    effective_from = models.DateField(
        _("生效日期"), null=True, blank=True,
        help_text=_("发布后从这一天起对申请人生效（可以是将来的日期）。"))
    name = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("简介"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    outcome = models.CharField(
        _("办理结论"), max_length=24, choices=Outcome.choices, default=Outcome.APPLY_HERE)
    applies_when = ConditionField(verbose_name=_("适用条件"))
    priority = models.PositiveIntegerField(
        _("优先级"), default=100, help_text=_("多个流程都适用时，数字小的优先。"))
    cache_token = models.BigIntegerField(
        _("缓存标记"), default=0, editable=False,
        help_text=_("本流程下任一记录改动时换成新的随机值，用于刷新缓存。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("创建人"))
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("复制自"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("办理流程")
        verbose_name_plural = _("办理流程")
        ordering = ["priority", "slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="procedure_slug_version_unique"),
            models.UniqueConstraint(
                fields=["slug", "effective_from"], condition=Q(status="published"),
                name="procedure_one_published_version_per_day",
                violation_error_message=_("同一流程在同一生效日期只能有一个已发布版本。")),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="draft"), name="procedure_one_draft",
                violation_error_message=_("同一流程同时只能有一个草稿。")),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(effective_from__isnull=False),
                name="procedure_published_has_effective_date",
                violation_error_message=_("已发布的版本必须有生效日期。")),
        ]

    def __str__(self):
        return f"{self.name}（{self.slug} v{self.version}）"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class VersionCounter(models.Model):
    """The last version number handed out for a slug, so that a deleted draft's number is never used again."""

    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    last_version = models.PositiveIntegerField(_("最后分配的版本号"))

    class Meta:
        verbose_name = _("版本号计数")
        verbose_name_plural = _("版本号计数")
        constraints = [models.CheckConstraint(condition=Q(last_version__gte=1), name="version_counter_positive")]

    def __str__(self):
        return f"{self.slug} v{self.last_version}"


class ProcedurePart(Sourced):
    """A record that belongs to one procedure version."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, verbose_name=_("流程"))

    class Meta:
        abstract = True


class ConditionalPart(ProcedurePart):
    condition = ConditionField()

    class Meta:
        abstract = True


class State(ProcedurePart):
    """A stage of the procedure: who acts, where, and how long it takes."""

    Actor = vocabulary.Actor

    Milestone = vocabulary.Milestone

    code = models.CharField(_("代码"), max_length=64, validators=[slug_validator])
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    actor = models.CharField(_("办理方"), max_length=20, choices=Actor.choices, default=Actor.APPLICANT)
    location = models.CharField(
        _("地点"), max_length=200, blank=True,
        help_text=_("可用 {residence.name}、{hukou.name} 代入地名。"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_initial = models.BooleanField(_("起始环节"), default=False)
    is_terminal = models.BooleanField(_("终止环节"), default=False)
    milestone = models.CharField(
        _("里程碑"), max_length=12, choices=Milestone.choices, blank=True, default="")
    duration_min = models.PositiveIntegerField(_("最短用时"), default=0)
    duration_max = models.PositiveIntegerField(_("最长用时"), default=0)
    duration_unit = models.CharField(
        _("用时单位"), max_length=14, choices=DurationUnit.choices, default=DurationUnit.CALENDAR_DAYS)
    subprocedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="called_by",
        limit_choices_to={"kind": Procedure.Kind.SUB}, verbose_name=_("调用子流程"),
        help_text=_("到达本环节时，先走完该子流程的各环节。"))

    class Meta:
        verbose_name = _("环节")
        verbose_name_plural = _("环节")
        ordering = ["procedure", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="state_code_unique"),
            models.CheckConstraint(
                condition=Q(duration_min__lte=F("duration_max")), name="state_duration_range",
                violation_error_message=_("最短用时不能大于最长用时。")),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Transition(ProcedurePart):
    """A move from one state to another, taken when its condition holds."""

    Kind = vocabulary.TransitionKind

    source_state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="outgoing", verbose_name=_("从"))
    target_state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="incoming", verbose_name=_("到"))
    label = models.CharField(_("名称"), max_length=200)
    condition = ConditionField()
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小的先判断。"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PLANNED)

    class Meta:
        verbose_name = _("流转")
        verbose_name_plural = _("流转")
        ordering = ["procedure", "source_state__order", "priority", "pk"]

    def __str__(self):
        return f"{self.source_state.code} → {self.target_state.code}：{self.label}"

    def clean(self):
        for state in (self.source_state_id and self.source_state, self.target_state_id and self.target_state):
            if state and self.procedure_id and state.procedure_id != self.procedure_id:
                raise ValidationError(_("流转的起止环节必须属于同一流程。"))


class Requirement(ConditionalPart):
    """A document or material the applicant brings (or hands back)."""

    Form = vocabulary.DocumentForm

    code = models.CharField(_("代码"), max_length=64, validators=[slug_validator])
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    form = models.CharField(_("形式"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    quantity = models.PositiveSmallIntegerField(_("份数"), default=1)
    any_of_group = models.CharField(
        _("任选组"), max_length=64, blank=True,
        help_text=_("同一流程中任选组相同的材料，只需提供其中一项。"))
    handed_back = models.BooleanField(_("须交回"), default=False, help_text=_("领新证时须交回（如旧证）。"))
    held_when = ConditionField(
        verbose_name=_("申请人已有的条件"),
        help_text=_('按申请人的回答判断他是否已有这项材料；留空表示不问。示例：'
                    '{"fact": "documents", "op": "in", "value": ["old_card"]}'))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["procedure", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="requirement_code_unique"),
        ]

    def __str__(self):
        return self.name


class Fee(ConditionalPart):
    """The card fee: the first row (by priority) in force whose condition holds."""

    code = models.CharField(_("代码"), max_length=64, validators=[slug_validator])
    label = models.CharField(_("收费依据"), max_length=200)
    amount_yuan = models.PositiveIntegerField(_("金额（元）"))
    is_waiver = models.BooleanField(_("减免"), default=False)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("留空表示长期有效。"))
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小的先判断。"))

    class Meta:
        verbose_name = _("收费")
        verbose_name_plural = _("收费")
        ordering = ["procedure", "priority", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="fee_valid_range", violation_error_message=_("截止日期不能早于起始日期。")),
        ]

    def __str__(self):
        return f"{self.label}：{self.amount_yuan} 元"


class Notice(ConditionalPart):
    """A warning or tip shown to the applicant; its code is a stable contract."""

    Severity = vocabulary.Severity
    Topic = vocabulary.NoticeTopic

    code = models.CharField(_("代码"), max_length=64, validators=[slug_validator])
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), help_text=_("可用 {事实名} 代入，例如 {renewal_window_opens}。"))
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    topic = models.CharField(
        _("显示位置"), max_length=10, choices=Topic.choices, default=Topic.GENERAL,
        help_text=_("在清单的哪一部分显示。"))
    explains_outcome = models.BooleanField(
        _("说明办理结论的原因"), default=False,
        help_text=_("勾选后，这条警示作为“为什么要这样办”显示在结论旁（例如为什么须回户籍地）。"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("提示")
        verbose_name_plural = _("提示")
        ordering = ["procedure", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="notice_code_unique")]

    def __str__(self):
        return self.title


class UrgentOption(ConditionalPart):
    """A way to prove identity while waiting (temporary card, travel certificates)."""

    code = models.CharField(_("代码"), max_length=64, validators=[slug_validator])
    title = models.CharField(_("名称"), max_length=200)
    text = models.TextField(_("说明"))
    fee_yuan = models.PositiveIntegerField(_("费用（元）"), null=True, blank=True)
    ready_after = models.CharField(
        _("哪一步之后才能拿到"), max_length=12, choices=vocabulary.Milestone.choices, blank=True, default="",
        help_text=_("例如临时身份证要等户籍地审核签发之后才制发；留空表示随时可以办。"))
    ready_within_days = models.PositiveSmallIntegerField(
        _("那一步之后约几天拿到（日历日）"), null=True, blank=True,
        help_text=_("填了“哪一步之后”才用：清单据此算出大约最晚哪天能拿到，赶不上申请人要用证的日期时会说明。"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("急用办法")
        verbose_name_plural = _("急用办法")
        ordering = ["procedure", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="urgent_code_unique")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.ready_within_days is not None and not self.ready_after:
            raise ValidationError({"ready_after": _("填了天数，也请选择是哪一步之后。")})


class ValidityRule(ConditionalPart):
    """How long a new card is valid, by the holder's age when it is issued."""

    min_age = models.PositiveSmallIntegerField(_("起始年龄（含）"))
    max_age = models.PositiveSmallIntegerField(_("截止年龄（含）"), null=True, blank=True)
    years = models.PositiveSmallIntegerField(_("有效年限"), null=True, blank=True, help_text=_("留空表示长期。"))

    class Meta:
        verbose_name = _("有效期规则")
        verbose_name_plural = _("有效期规则")
        ordering = ["procedure", "min_age"]

    def __str__(self):
        upper = self.max_age if self.max_age is not None else "∞"
        return f"{self.min_age}–{upper}：{self.years or _('长期')}"


class TimeLimit(ConditionalPart):
    """A time limit: the statutory deadline, or how early a renewal may start."""

    Kind = vocabulary.TimeLimitKind

    Unit = vocabulary.TimeUnit

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    amount = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(_("单位"), max_length=14, choices=Unit.choices, default=Unit.CALENDAR_DAYS)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("同类中数字小的先判断。"))
    region_topic = models.CharField(
        _("取用的地方规定"), max_length=24, blank=True, choices=vocabulary.RegionTopic.choices,
        help_text=_("仅用于“承诺时限”：取办证地这一项地方规定的天数（数量一栏不用）。"))

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["procedure", "kind", "priority"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.amount} {self.get_unit_display()}"
