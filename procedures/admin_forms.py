"""The admin's form pieces: conditions edited as pretty-printed JSON, and the new-procedure form."""
import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .conditions import COMPARISONS
from .models import Procedure

OPERATOR_LABELS = {
    "eq": _("等于"),
    "ne": _("不等于"),
    "in": _("属于列表之一（列表型事实：含其中之一）"),
    "not_in": _("不属于列表中任何一个"),
    "lt": _("小于"),
    "lte": _("小于或等于"),
    "gt": _("大于"),
    "gte": _("大于或等于"),
    "is_set": _("已有值（不带 value）"),
}
GROUP_LABELS = {
    "all": _("全部满足"),
    "any": _("任一满足"),
    "not": _("取反"),
}
CONDITION_HELP = format_lazy(
    _("留空表示总是适用。写法：{{\"fact\": 事实名, \"op\": 运算符, \"value\": 值}}，"
      "可用 all、any、not 组合。运算符：{ops}。可引用的事实见本页底部“可用的事实”。"),
    ops="、".join(COMPARISONS),
)
SOURCED_FIELDS = ("source", "confidence", "last_checked")


def format_condition(value, indent=0):
    """Return ``value`` as JSON with one comparison per line and groups indented."""
    pad = " " * indent
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in ("all", "any") and isinstance(inner, list) and inner:
            items = ",\n".join(f"{pad}  {format_condition(item, indent + 2)}" for item in inner)
            return f"{{{json.dumps(key)}: [\n{items}\n{pad}]}}"
        if key == "not":
            return f'{{"not": {format_condition(inner, indent)}}}'
    return json.dumps(value, ensure_ascii=False)


class ConditionWidget(forms.Textarea):
    """A monospace textarea that grows with the condition it holds."""

    def __init__(self, attrs=None):
        defaults = {
            "class": "vLargeTextField condition-json",
            "style": "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;",
            "spellcheck": "false",
            "cols": 60,
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lines = (context["widget"]["value"] or "").count("\n") + 1
        context["widget"]["attrs"]["rows"] = max(2, min(lines + 1, 20))
        return context


class ConditionFormField(forms.JSONField):
    """A JSON field where blank means "always" and a typo gets a message an editor can act on."""

    widget = ConditionWidget

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {}
        if isinstance(value, str):
            try:
                json.loads(value)
            except json.JSONDecodeError as error:
                raise ValidationError(self._syntax_errors(value, error)) from error
        converted = super().to_python(value)
        return {} if converted is None else converted

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        if value is None or value == {}:
            return ""
        return format_condition(value)

    @staticmethod
    def _syntax_errors(value, error):
        errors = [ValidationError(
            _("条件不是有效的 JSON：第 %(line)d 行第 %(column)d 列附近有误。"),
            code="invalid", params={"line": error.lineno, "column": error.colno})]
        if any(mark in value for mark in "“”‘’"):
            errors.append(ValidationError(_('请把中文引号换成英文双引号 "。'), code="invalid"))
        elif "'" in value:
            errors.append(ValidationError(_('字符串须用英文双引号 "，不能用单引号。'), code="invalid"))
        if any(mark in value for mark in "，：【】｛｝"):
            errors.append(ValidationError(_("请使用英文逗号、冒号和括号。"), code="invalid"))
        return errors


class ProcedureForm(forms.ModelForm):
    """A new procedure starts as draft v1 of a new slug; an existing slug gets new drafts by copying."""

    class Meta:
        model = Procedure
        fields = ["name", "slug", "kind", "outcome", "priority", "summary", "applies_when", *SOURCED_FIELDS]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.instance.pk is None and Procedure.objects.filter(slug=slug).exists():
            raise ValidationError(_("标识“%(slug)s”已有版本：请打开它的现行版本，点“新建草稿”。"),
                                  params={"slug": slug}, code="slug_taken")
        return slug
