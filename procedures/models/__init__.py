"""What content admins edit: procedures as state machines, and the data around them.

Every content record carries its source, its confidence and the date it was last
checked, because much of this comes from local or secondary sources and the
applicant must be told when a fact is not verified.
"""
from ..vocabulary import Confidence, DurationUnit
from .base import ConditionField, Sourced, slug_validator
from .procedure import (
    ConditionalPart,
    Fee,
    Notice,
    Procedure,
    ProcedurePart,
    Requirement,
    State,
    TimeLimit,
    Transition,
    UrgentOption,
    ValidityRule,
    VersionCounter,
)
from .region import CalendarDay, CalendarYear, ContentStamp, Region, RegionRule, ServicePoint

__all__ = [
    "CalendarDay", "CalendarYear", "ConditionField", "ConditionalPart", "Confidence", "ContentStamp", "DurationUnit",
    "Fee", "Notice", "Procedure", "ProcedurePart", "Region", "RegionRule", "Requirement", "ServicePoint", "Sourced",
    "State",
    "TimeLimit", "Transition", "UrgentOption", "ValidityRule", "VersionCounter", "slug_validator",
]
