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
