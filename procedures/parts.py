"""The kinds of rows that belong to a procedure version, named once for every reader.

Export and import, copying a version, diffs, validation, cache invalidation, the
stale-records report and the compile step all walk ``PARTS`` instead of listing
the models again. Nothing here imports ``procedures.models``: a part resolves its
model only when asked (``Part.model``), so the engine may import this module.
"""
from dataclasses import dataclass
from types import MappingProxyType

from django.apps import apps

from .phases import DERIVED, TIMELINE, WINDOW

# Fields every part has that are not its content: the row's own key and its version.
NOT_CONTENT = ("id", "procedure")


@dataclass(frozen=True)
class Part:
    """One kind of procedure part: how to find, order, match and export its rows."""

    name: str  # the model name, as ``Model._meta.model_name``
    export_key: str  # the section of an export document that holds these rows
    order_by: tuple  # the order every reader takes a version's rows in (a total order)
    key_format: str  # the natural key that matches a row across versions, as a diff shows it
    phase: int  # the latest fact phase (``phases``) a condition on these rows may name
    select_related: tuple = ()  # the relations a row's export or text reads

    @property
    def model(self):
        """Return the model class (resolved on use, once the app registry is ready)."""
        return apps.get_model("procedures", self.name)

    @property
    def accessor(self):
        """Return the name of a procedure's reverse manager for these rows (``requirement_set``)."""
        return f"{self.name}_set"

    @property
    def label(self):
        """Return the part's name for people (the model's plural verbose name)."""
        return self.model._meta.verbose_name_plural

    @property
    def fields(self):
        """Return the names of the fields that carry a row's content, as exported (model order)."""
        return tuple(field.name for field in self.model._meta.concrete_fields if field.name not in NOT_CONTENT)

    @property
    def conditional(self):
        """Return True if these rows carry a condition."""
        return "condition" in self.fields

    @property
    def condition_fields(self):
        """Return the names of the fields that hold a condition (``condition``, ``held_when``...)."""
        return tuple(field.name for field in self.model._meta.concrete_fields
                     if getattr(field, "holds_condition", False))


# In the order rows are exported and created on import: states before the transitions that name them.
PARTS = (
    Part("state", "states", ("order", "code"), "{code}", WINDOW, select_related=("subprocedure",)),
    Part("transition", "transitions", ("source_state__order", "priority", "pk"),
         "{source_state} → {target_state}：{label}", WINDOW, select_related=("source_state", "target_state")),
    Part("requirement", "requirements", ("order", "code"), "{code}", WINDOW),
    Part("fee", "fees", ("priority", "valid_from", "pk"), "{code}", WINDOW),
    Part("notice", "notices", ("order", "code"), "{code}", TIMELINE),
    Part("urgentoption", "urgent_options", ("order", "code"), "{code}", TIMELINE),
    Part("validityrule", "validity_rules", ("min_age", "pk"), "{min_age}–{max_age} 岁", WINDOW),
    Part("timelimit", "time_limits", ("kind", "priority", "pk"), "{kind} #{priority}", DERIVED),
)
_BY_NAME = MappingProxyType({part.name: part for part in PARTS})
EXPORT_KEYS = frozenset(part.export_key for part in PARTS)


def by_name(name):
    """Return the part whose model is called ``name`` ("requirement"); raise KeyError if none is."""
    return _BY_NAME[name]

