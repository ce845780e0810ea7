"""The counter's side: offices, and applications that follow their procedure's state machine."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A cross-region acceptance point (异地受理点)."""

    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "procedures.Region", on_delete=models.PROTECT, related_name="offices", verbose_name=_("所在地区"))
    address = models.CharField(_("地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("受理点")
        verbose_name_plural = _("受理点")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffMembership(models.Model):
    """Which office a member of staff works at."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership",
        verbose_name=_("用户"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="members", verbose_name=_("受理点"))

    class Meta:
        verbose_name = _("工作人员所属受理点")
        verbose_name_plural = _("工作人员所属受理点")

    def __str__(self):
        return f"{self.user} @ {self.office}"


class Application(models.Model):
    """One accepted application, moving along its plan's procedure version."""

    plan = models.OneToOneField(
        "wizard.Plan", on_delete=models.PROTECT, related_name="application", verbose_name=_("办事计划"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("受理点"))
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="applications", verbose_name=_("流程版本"))
    state_code = models.CharField(_("当前环节"), max_length=64)
    state_name = models.CharField(_("当前环节名称"), max_length=200)
    is_closed = models.BooleanField(_("已结束"), default=False, db_index=True)
    revision = models.PositiveIntegerField(
        _("修订号"), default=1, help_text=_("每次流转加一；两人同时操作时只有一人成功。"))
    accepted_on = models.DateField(_("受理日期"))
    card_ready_due = models.DateField(_("预计可领证日期"), null=True, blank=True)
    statutory_due = models.DateField(_("法定发放期限"), null=True, blank=True)
    collected_on = models.DateField(_("领证日期"), null=True, blank=True)
    closed_on = models.DateField(
        _("办结日期"), null=True, blank=True, help_text=_("到达任一结束环节（领证、邮寄、撤回、退回）的日期。"))
    applicant_name = models.CharField(_("申请人姓名（选填）"), max_length=64, blank=True)
    applicant_phone = models.CharField(_("联系电话（选填）"), max_length=20, blank=True)
    personal_data_erased_on = models.DateField(_("个人信息删除日期"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人"))
    opened_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-opened_at"]
        permissions = [("use_desk", _("可以使用受理点工作台"))]
        indexes = [models.Index(fields=["office", "is_closed"])]

    def __str__(self):
        return f"{self.plan.display_code} · {self.state_name}"


class ApplicationEvent(models.Model):
    """One move of an application. Written once; never edited or deleted."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("申请"))
    from_state = models.CharField(_("原环节"), max_length=64, blank=True)
    to_state = models.CharField(_("新环节"), max_length=64)
    label = models.CharField(_("操作"), max_length=200)
    note = models.TextField(_("备注"), blank=True)
    replaced_plan = models.ForeignKey(
        "wizard.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("被替换的清单"), help_text=_("重新计算清单时，原来的那一份（仍保留，可查看）。"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请记录")
        verbose_name_plural = _("申请记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("申请记录只能新增，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("申请记录不能删除。"))
