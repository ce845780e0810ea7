"""The wizard's own widgets: a place list that can be searched by pinyin, and a date in three boxes."""
import datetime

from django import forms


class PlaceSelect(forms.Select):
    """A select whose options carry their pinyin, for the optional search filter."""

    def __init__(self, *args, pinyin=None, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinyin = pinyin or {}
        self.within = within or {}  # code -> (code, name, pinyin) of the places within it (a province's cities)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.pinyin:
            option["attrs"]["data-pinyin"] = self.pinyin[value]
        if self.within.get(value):
            # "code name pinyin initials" per place, separated by "|": the filter finds a province by its cities.
            option["attrs"]["data-within"] = "|".join(
                f"{code} {name} {pinyin}" for code, name, pinyin in self.within[value])
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
