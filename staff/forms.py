import re

from django import forms
from django.utils.translation import gettext_lazy as _

from wizard.models import CODE_ALPHABET, CODE_LENGTH, normalise_code

CODE_FORMAT_MESSAGE = _("查询码应为 15 位字母和数字（不含 0、1、I、L、O、U），请核对。")


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"), max_length=40,
        error_messages={"required": _("请输入查询码。"), "max_length": CODE_FORMAT_MESSAGE},
        help_text=_("打印件或申请人手机上的 15 位查询码，可带短横线。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(CODE_FORMAT_MESSAGE)
        return code


class OpenApplicationForm(forms.Form):
    applicant_name = forms.CharField(
        label=_("申请人姓名（选填）"), max_length=64, required=False,
        help_text=_("仅供本受理点联系使用；领证后按规定自动删除。"))
    applicant_phone = forms.RegexField(
        label=_("联系电话（选填）"), max_length=20, required=False, regex=r"^[0-9+\- ]{5,20}$",
        error_messages={"invalid": _("电话号码只能包含数字、空格、+ 和 -。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))


class MoveForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=64)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("备注或原因"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(required=False)


class QueueForm(forms.Form):
    """The desk's GET form: search by name, phone or code; the tab and the sort ride along as hidden fields."""

    q = forms.CharField(label=_("姓名、电话或查询码"), max_length=40, required=False,
                        error_messages={"max_length": _("搜索内容最多 40 个字。")})
    status = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    sort = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)


PICK = re.compile(r"^([0-9A-Z]{1,40})\.([1-9][0-9]{0,8})$")
MAX_PICKS = 200


class PicksField(forms.Field):
    """Ticked rows, each "CODE.REVISION": the application and the revision the clerk was looking at."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("请先勾选要批量操作的申请。"),
        "invalid": _("勾选的内容无效，请刷新页面后重试。"),
        "too_many": _("一次最多操作 %(limit)s 份申请。"),
    }

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        picks = {}
        for item in values:
            match = PICK.match(str(item))
            if not match:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            picks.setdefault(match[1], int(match[2]))
        if len(picks) > MAX_PICKS:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many",
                                        params={"limit": MAX_PICKS})
        return list(picks.items())


class BatchMoveForm(forms.Form):
    pick = PicksField()
    target = forms.CharField(label=_("改为"), max_length=64,
                             error_messages={"required": _("请选择要改成的状态。")})
    note = forms.CharField(label=_("备注或原因（对每一份都记录）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 1}))
    confirm = forms.BooleanField(required=False)
