"""The pieces every content model shares: provenance, conditions, codes."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import conditions
from ..facts import facts_for
from ..vocabulary import Confidence


class Sourced(models.Model):
    """Where a fact comes from, how sure we are, and when someone last looked."""

    source = models.TextField(_("来源"), blank=True, help_text=_("出处：文件名称、网址或机构。"))
    confidence = models.CharField(
        _("可信度"), max_length=10, choices=Confidence.choices, default=Confidence.UNKNOWN,
        help_text=_("“已核实”仅用于在正式发布的文本中读到的事实。"),
    )
    last_checked = models.DateField(_("最近核对日期"), null=True, blank=True)

    class Meta:
        abstract = True


class ConditionField(models.JSONField):
    """A JSON condition, validated against the facts its record may name."""

    holds_condition = True  # how readers that may not import models (``parts``) recognise one

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("verbose_name", _("条件"))
        kwargs.setdefault(
            "help_text",
            _('留空表示总是适用。示例：{"fact": "reason", "op": "eq", "value": "lost"}'),
        )
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        known = facts_for(model_instance._meta.model_name) if model_instance else None
        try:
            conditions.validate(value, known)
        except conditions.ConditionError as error:
            raise ValidationError(error.messages, code="invalid_condition") from error


slug_validator = RegexValidator(r"^[a-z0-9_]+$", _("只能使用小写字母、数字和下划线。"))
