"""One form per wizard page, chosen by the kind of question the page asks.

Each form asks one question from ``questions.QUESTIONS`` and validates through
``questions.clean_answer``, so the web wizard and the ``plan`` command accept the
same answers. A region question takes two pages (province, then the city within
it), except for places with no prefecture level.
"""
import calendar
import datetime

from django import forms
from django.forms.renderers import Jinja2
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures import questions
from procedures.vocabulary import QuestionKind

from .navigation import QUESTION_OF_STEP, is_province_step
from .widgets import DateInput, DateParts, PlaceSelect

FIELD = "answer"
# The browser's autofill hint for a date question's boxes (bday-year, bday-month, bday-day).
AUTOCOMPLETE = {"birth_date": "bday"}


class StepForm(forms.Form):
    """A wizard page: one question, validated in the light of the answers before it."""

    # Django's own widget templates through Jinja2: the same markup at a fraction of the cost on every
    # wizard page. Only the wizard's forms: the admin's widgets exist as Django templates only. One
    # renderer for the process: given the class, Django builds a renderer (and a Jinja2 environment that
    # compiles every template again) for each form.
    default_renderer = Jinja2()

    kind = ""
    use_required_attribute = False  # the server's messages are clearer than the browser's

    def __init__(self, *args, step, answers=None, today=None, regions=None, places=None, province=None,
                 walk_in=False, **kwargs):
        self.walk_in = walk_in  # worded for the clerk at the counter (the fields take the legend)
        kwargs.setdefault("prefix", step)
        super().__init__(*args, **kwargs)
        self.step = step
        self.question = QUESTION_OF_STEP[step]
        self.key = self.question.key
        self.answers = answers or {}
        self.today = today
        self.regions = regions
        self.places = places
        self.province = province
        self.cleaned_answer = None

    @classmethod
    def shown(cls, value):
        """Return a stored (JSON) answer as the field shows it."""
        return value

    @classmethod
    def data_for(cls, step, value):
        """Return the POST data that sends a stored answer again (to check it as if it were sent)."""
        return {f"{step}-{FIELD}": cls.shown(value)}

    @property
    def question_field(self):
        return self[FIELD]

    @property
    def legend(self):
        return self.question.label_for(self.walk_in)

    @property
    def hint(self):
        return self.question.help_for(self.walk_in)

    @property
    def hint_id(self):
        return f"{self.step}-hint"

    @property
    def error_id(self):
        return f"{self.step}-error"

    @property
    def describedby(self):
        ids = [self.hint_id] if self.hint else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def first_input_id(self):
        """Return the id the error summary links to."""
        return f"{self[FIELD].auto_id}_0"

    def typed(self):
        """Return what was posted for the question, as the field shows it, without validating it."""
        return self[FIELD].data

    def to_raw(self, value):
        """Return the value in the form ``questions.clean_answer`` expects."""
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            raw = self.to_raw(cleaned.get(FIELD))
            self.cleaned_answer = questions.clean_answer(
                self.key, raw, self.answers, today=self.today, regions=self.regions)
        except questions.AnswerError as error:
            self.add_error(FIELD, str(error))
        return cleaned


def typed_anything(value):
    """Return whether a field's typed value holds anything but blanks."""
    values = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(item, str) and item.strip() for item in values)


class ChoiceForm(StepForm):
    kind = "choice"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.ChoiceField(
            label=self.legend, widget=forms.RadioSelect,
            choices=[(value, questions.choice_label(self.key, value)) for value in self.question.choices],
            error_messages={"required": _("请选择一项。"), "invalid_choice": _("请从列出的选项中选择一项。")})


class YesNoForm(StepForm):
    kind = "choice"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.ChoiceField(
            label=self.legend, widget=forms.RadioSelect, choices=[("yes", _("是")), ("no", _("否"))],
            error_messages={"required": _("请选择“是”或“否”。"), "invalid_choice": _("请选择“是”或“否”。")})

    @classmethod
    def shown(cls, value):
        return {True: "yes", False: "no"}.get(value, value)


class MultiChoiceForm(StepForm):
    kind = "multi"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.MultipleChoiceField(
            label=self.legend, widget=forms.CheckboxSelectMultiple, required=False,
            choices=[(value, questions.choice_label(self.key, value))
                     for value in questions.offered_choices(self.key, self.answers, self.regions)],
            error_messages={"invalid_choice": _("请从列出的证件中勾选。")})

    def to_raw(self, value):
        return list(value or [])


class DateForm(StepForm):
    kind = "date"
    part_labels = (gettext_lazy("年"), gettext_lazy("月"), gettext_lazy("日"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = DateParts(label=self.legend, widget=DateInput(autocomplete=AUTOCOMPLETE.get(self.key)))

    @classmethod
    def shown(cls, value):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value

    @classmethod
    def data_for(cls, step, value):
        parts = DateInput().decompress(cls.shown(value))
        return {f"{step}-{FIELD}_{index}": part for index, part in enumerate(parts)}

    def date_inputs(self):
        """Return (label, id, html) for the year, month and day boxes."""
        bound = self[FIELD]
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        if self.describedby:
            attrs["aria-describedby"] = self.describedby
        context = widget.get_context(bound.html_name, bound.value(), attrs)
        result = []
        for label, sub, sub_widget in zip(self.part_labels, context["widget"]["subwidgets"], widget.widgets,
                                          strict=True):
            sub_attrs = dict(sub["attrs"])
            html = sub_widget.render(sub["name"], sub["value"], {**sub_attrs})
            result.append((label, sub_attrs["id"], html))
        return result

    def to_raw(self, parts):
        year, month, day = (part.strip() for part in (parts or ("", "", "")))
        if not (year or month or day):
            if self.question.optional:
                return None
            raise questions.AnswerError(_("请填写年、月、日。"))
        missing = [str(label) for label, part in zip(self.part_labels, (year, month, day), strict=True)
                   if not part]
        if missing:
            raise questions.AnswerError(_("请把日期填完整：缺少%(parts)s。") % {"parts": "、".join(missing)})
        if not all(part.isdigit() for part in (year, month, day)):
            raise questions.AnswerError(_("年、月、日只能填数字，例如 1965 年 3 月 8 日。"))
        year, month, day = int(year), int(month), int(day)
        if not 1000 <= year <= 9999:
            raise questions.AnswerError(_("年份请填 4 位数字，例如 1965。"))
        if not 1 <= month <= 12:
            raise questions.AnswerError(_("月份应在 1 到 12 之间。"))
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise questions.AnswerError(_("%(year)s 年 %(month)s 月只有 %(days)s 天，没有 %(day)s 日，请检查日期。") % {
                "year": year, "month": month, "days": days, "day": day})
        return datetime.date(year, month, day)


class RegionForm(StepForm):
    kind = "region"
    required_message = ""
    select_label = ""
    filter_label = gettext_lazy("输入城市名称或拼音筛选（如“深圳”或“sz”）")

    def places_choices(self):
        raise NotImplementedError

    def within(self, code):
        """Return (code, name, pinyin) of the places within a listed place (the cities of a province), if any."""
        return ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = self.places_choices()
        # The filter's words come from here, so that they go through the translation machinery too.
        attrs = {"data-region-search": "", "data-filter-label": self.filter_label,
                 "data-filter-found": _("找到 %(count)s 个"),
                 "data-filter-in": _("%(city)s在%(province)s，选好后下一页会选中它"),
                 "data-filter-none": _("没有找到，请换个写法，或清空后直接在列表中选")}
        self.fields[FIELD] = forms.ChoiceField(
            label=self.select_label,
            choices=[("", _("请选择"))] + [(code, name) for code, name, _pinyin in places],
            widget=PlaceSelect(pinyin={code: pinyin for code, _name, pinyin in places},
                               within={code: self.within(code) for code, _name, _pinyin in places}, attrs=attrs),
            error_messages={"required": self.required_message,
                            "invalid_choice": _("请从列表中选择。")})

    @property
    def first_input_id(self):
        return self[FIELD].auto_id

    def control(self):
        """Return the select, described by the hint and the error."""
        attrs = {"aria-describedby": self.describedby} if self.describedby else None
        return self[FIELD].as_widget(attrs=attrs)


class ProvinceForm(RegionForm):
    required_message = gettext_lazy("请选择省、自治区或直辖市。")
    select_label = gettext_lazy("省、自治区、直辖市")
    filter_label = gettext_lazy("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）")
    CITY = "city"  # the city the filter found on this page, to be chosen on the next (JavaScript sends it)

    def places_choices(self):
        return self.places.provinces()

    def within(self, code):
        return self.places.under(code)

    def city_hint(self):
        """Return the city the filter found within the chosen province, if it is one of its cities."""
        city = self.data.get(self.add_prefix(self.CITY))
        return city if city in {code for code, _name, _pinyin in self.within(self.cleaned_answer)} else None


class PrefectureForm(RegionForm):
    required_message = gettext_lazy("请选择城市。")

    def places_choices(self):
        return self.places.under(self.province) if self.province else []

    @property
    def province_name(self):
        info = self.regions(self.province) if self.province else None
        return info.name if info else ""

    @property
    def select_label(self):
        return _("%(province)s的哪个城市（地区、州、盟）？") % {"province": self.province_name}


FORM_OF_KIND = {
    QuestionKind.CHOICE: ChoiceForm,
    QuestionKind.YES_NO: YesNoForm,
    QuestionKind.MULTI: MultiChoiceForm,
    QuestionKind.DATE: DateForm,
}


def form_class(step):
    """Return the form for a question page."""
    question = QUESTION_OF_STEP[step]
    if question.kind == QuestionKind.REGION:
        return ProvinceForm if is_province_step(step) else PrefectureForm
    return FORM_OF_KIND[question.kind]
