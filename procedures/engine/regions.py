"""Regions as the engine sees them, and the facts a condition can read about one."""
from dataclasses import dataclass, field
from types import MappingProxyType

from ..facts import REGION_RULE_FACTS
from .plan import PlaceRef, Provenance, ServicePoint


@dataclass(frozen=True)
class RuleInfo:
    """A region's local rule, already resolved through province inheritance."""

    applies: bool
    days: int | None
    unit: str
    note: str
    region_code: str
    provenance: Provenance


@dataclass(frozen=True)
class DirectoryEntry:
    """An entry of the office directory as a region carries it: what a plan shows, and its condition."""

    region_code: str
    entry: ServicePoint
    test: object  # facts -> bool (the compiled condition)


@dataclass(frozen=True)
class RegionInfo:
    """A division as the engine sees it: resolved to province or prefecture level.

    ``place_code`` names the place for telling whether two answers are the same
    place: the prefecture (or municipality), except for a county-level city directly
    under its province (仙桃, 济源...), which is a place of its own although its
    rules are the province's.
    """

    code: str
    name: str
    province_code: str
    input_code: str = ""
    input_name: str = ""
    rules: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    place_code: str = ""
    directory: tuple = ()  # DirectoryEntry: the region's own, then its province's

    @property
    def place(self):
        return self.place_code or self.code

    @property
    def shown_name(self):
        """Return the name as the person chose it (a district), else the division's."""
        return self.input_name or self.name

    def rule(self, topic):
        rule = self.rules.get(topic)
        return rule if rule is not None and rule.applies else None

    def ref(self):
        return PlaceRef(code=self.input_code, name=self.input_name, resolved=self.code)


# The facts each topic gives a condition: (flag fact, number-of-days fact).
RULE_FACTS = {topic: (flag and flag[0], days and days[0]) for topic, flag, days in REGION_RULE_FACTS}


def region_facts(prefix, region):
    """Return the facts a condition can read about one region (None: not known yet)."""
    facts = {f"{prefix}.province": region.province_code if region else None}
    for topic, (flag, days) in RULE_FACTS.items():
        rule = region.rule(topic) if region else None
        if flag:
            facts[f"{prefix}.{flag}"] = (rule is not None) if region else None
        if days:
            facts[f"{prefix}.{days}"] = rule.days if rule is not None else None
    return facts
