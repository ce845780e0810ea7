"""The engine: compiled procedures, applicant facts, the walk through the graph and the plan.

Pure Python. It never sees a request and imports no models: ``compile`` reads a
procedure version through its related managers as plain values, and everything
after that works on frozen objects.
"""
from .calculators import place_of_application
from .compile import (
    Catalogue,
    CFee,
    CNotice,
    CompiledProcedure,
    CRequirement,
    CState,
    CTimeLimit,
    CTransition,
    CUrgentOption,
    CValidityRule,
    compile_procedure,
)
from .derive import age_on, derive_facts
from .errors import EngineError, InvalidContent, NoProcedure
from .make import make_plan, question_facts
from .plan import Plan, Provenance, ServicePoint
from .regions import DirectoryEntry, RegionInfo, RuleInfo, region_facts
from .text import format_value, render_text
from .walk import walk

__all__ = [
    "CFee", "CNotice", "CRequirement", "CState", "CTimeLimit", "CTransition", "CUrgentOption", "CValidityRule",
    "Catalogue", "CompiledProcedure", "DirectoryEntry", "EngineError", "InvalidContent", "NoProcedure", "Plan",
    "Provenance", "RegionInfo", "RuleInfo", "ServicePoint", "age_on", "compile_procedure", "derive_facts",
    "format_value", "make_plan", "place_of_application", "question_facts", "region_facts", "render_text", "walk",
]
