"""The plan: typed, nested and frozen, stored as JSON through ``codec``.

Pages, the print sheet, the calendar file, the desk and the ``plan`` command read a
stored plan with ``Plan.from_json``. The JSON keys are the ``plan`` command's
published contract: keys may be added, never renamed.
"""
import datetime
from dataclasses import dataclass
from types import MappingProxyType

from ..vocabulary import (
    PLACE_OF_OUTCOME,
    Actor,
    CardReadyBasis,
    Confidence,
    Milestone,
    NoticeTopic,
    Outcome,
    Place,
    Severity,
    WeekendService,
)
from . import codec
from .codec import json_field


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from, how sure we are, and when someone last looked."""

    source: str = ""
    confidence: str = Confidence.UNKNOWN.value
    last_checked: datetime.date | None = None

    @property
    def verified(self):
        return self.confidence == Confidence.VERIFIED

    @property
    def confidence_label(self):
        return Confidence(self.confidence).label if self.confidence in Confidence.values else Confidence.UNKNOWN.label

    def as_dict(self):
        return codec.encode(self)


UNSOURCED = Provenance()


@dataclass(frozen=True)
class PlaceRef:
    """A region as the person chose it, and the division whose rules apply to it."""

    code: str = ""
    name: str = ""
    resolved: str = ""


@dataclass(frozen=True)
class FeeLine:
    code: str = ""
    label: str = ""
    amount_yuan: int = 0
    waiver: bool = False
    provenance: Provenance = json_field(flat=True, factory=Provenance)


@dataclass(frozen=True)
class Document:
    code: str = ""
    name: str = ""
    description: str = ""
    form: str = ""
    quantity: int = 1
    handed_back: bool = False
    held: bool | None = None  # None: the person was not asked
    any_of: tuple[str, ...] = json_field(omit_empty=True, default=())
    provenance: Provenance = json_field(flat=True, factory=Provenance)


@dataclass(frozen=True)
class Step:
    code: str = ""
    title: str = ""
    where: str = ""
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    actor: str = ""
    description: str = ""
    milestone: str = ""
    procedure: str = ""
    provenance: Provenance = json_field(flat=True, factory=Provenance)

    @property
    def by_office(self):
        """Return whether someone other than the applicant does this step."""
        return bool(self.actor) and self.actor != Actor.APPLICANT

    @property
    def actor_label(self):
        return Actor(self.actor).label if self.actor in Actor.values else ""


@dataclass(frozen=True)
class Message:
    code: str = ""
    title: str = ""
    text: str = ""
    severity: str = Severity.INFO.value
    topic: str = NoticeTopic.GENERAL.value
    explains_outcome: bool = False  # the reason the outcome sends the person elsewhere
    provenance: Provenance = json_field(flat=True, factory=Provenance)


@dataclass(frozen=True)
class UrgentOption:
    code: str = ""
    title: str = ""
    text: str = ""
    severity: str = Severity.INFO.value
    fee_yuan: int | None = None
    # Obtainable only after a step (the temporary card after sign-off): the latest day it is in hand,
    # and whether that comes after the day the person needs ID.
    ready_by: datetime.date | None = json_field(omit_empty=True)
    late: bool = json_field(default=False, omit_empty=True)
    provenance: Provenance = json_field(flat=True, factory=Provenance)


@dataclass(frozen=True)
class ServicePoint:
    """An office, or an official channel for booking or applying, from the directory (blank: not known)."""

    kind: str = ""  # a ServicePointKind
    name: str = ""
    address: str = json_field(default="", omit_empty=True)
    hours: str = json_field(default="", omit_empty=True)
    phone: str = json_field(default="", omit_empty=True)
    booking: str = json_field(default="", omit_empty=True)
    booking_url: str = json_field(default="", omit_empty=True)
    weekend: str = ""  # a WeekendService
    provenance: Provenance = json_field(flat=True, factory=Provenance)

    @property
    def weekend_label(self):
        return WeekendService(self.weekend).label if self.weekend in WeekendService.values else ""


@dataclass(frozen=True)
class PhotoReceipt:
    required: bool = json_field("photo_receipt_required", default=False)
    validity_days: int | None = json_field("photo_receipt_validity_days")
    expiry: datetime.date | None = json_field("photo_receipt_expiry")
    provenance: Provenance | None = json_field("photo_receipt")


@dataclass(frozen=True)
class CardReady:
    date: datetime.date | None = json_field("card_ready_by")
    basis: str | None = json_field("card_ready_basis")  # a CardReadyBasis
    provenance: Provenance | None = json_field("card_ready")

    @property
    def from_local_promise(self):
        return self.basis == CardReadyBasis.LOCAL_PROMISE

    @property
    def from_statutory_deadline(self):
        return self.basis == CardReadyBasis.STATUTORY_DEADLINE


@dataclass(frozen=True)
class Deadline:
    date: datetime.date | None = json_field("statutory_deadline")
    provenance: Provenance | None = json_field("statutory_deadline_basis")


@dataclass(frozen=True)
class NewCard:
    validity_years: int | None = json_field("new_card_validity_years")
    long_term: bool = json_field("new_card_long_term", default=False)
    expiry: datetime.date | None = json_field("new_card_expiry")
    provenance: Provenance | None = json_field("new_card_validity")
    issued_on: datetime.date | None = json_field("new_card_issued_on")  # the latest day it is issued (签发)


@dataclass(frozen=True)
class Plan:
    outcome: str = Outcome.APPLY_HERE.value
    procedure: str = ""
    procedure_name: str = ""
    procedure_version: int = 0
    today: datetime.date | None = None
    apply_date: datetime.date | None = None
    cross_region: bool = False
    age: int | None = None
    hukou_region: PlaceRef = json_field(factory=PlaceRef)
    residence_region: PlaceRef = json_field(factory=PlaceRef)
    fee_yuan: int = 0
    fee: FeeLine | None = None
    documents: tuple[Document, ...] = ()
    photo_receipt: PhotoReceipt = json_field(flat=True, factory=PhotoReceipt)
    mail_delivery: Provenance | None = None
    steps: tuple[Step, ...] = ()
    card_ready: CardReady = json_field(flat=True, factory=CardReady)
    deadline: Deadline = json_field(flat=True, factory=Deadline)
    new_card: NewCard = json_field(flat=True, factory=NewCard)
    renewal_window_opens: datetime.date | None = None
    calendar_incomplete: bool = False
    warnings: tuple[Message, ...] = ()
    notices: tuple[Message, ...] = ()
    urgent_options: tuple[UrgentOption, ...] = ()
    # Where exactly: the directory's entries for the place where the person applies (none: not known).
    service_points: tuple[ServicePoint, ...] = json_field(default=(), omit_empty=True)
    place_of_application: str = json_field(default=None)  # a Place; None in plans stored before it existed
    needed_by: datetime.date | None = None  # the day the person said they need ID
    needed_before_ready: bool = False  # that day comes before the card can be ready
    old_card_valid_when_needed: bool = False  # the old card still proves identity on that day
    # The facts the plan was computed from: for tests and previews, never stored.
    facts: MappingProxyType = json_field(skip=True, factory=lambda: MappingProxyType({}))

    @classmethod
    def from_json(cls, data):
        return codec.decode(cls, data)

    def to_json(self):
        return codec.encode(self)

    # --- what the pages ask of a plan ------------------------------------------------

    @property
    def place(self):
        """Return the place whose rules the plan follows (residence, home, or nowhere)."""
        if self.place_of_application is not None:
            return self.place_of_application
        return PLACE_OF_OUTCOME.get(self.outcome, Place.NOWHERE)

    @property
    def place_region(self):
        """Return the region where the person applies (None: nowhere)."""
        return {Place.RESIDENCE: self.residence_region, Place.HUKOU: self.hukou_region}.get(self.place)

    @property
    def applies_here(self):
        return self.outcome == Outcome.APPLY_HERE

    @property
    def sends_home(self):
        return self.outcome == Outcome.APPLY_AT_HUKOU_PLACE

    @property
    def not_applicable(self):
        return self.outcome == Outcome.NOT_APPLICABLE

    @property
    def apply_today(self):
        return self.apply_date == self.today

    def step_with(self, milestone):
        return next((step for step in self.steps if step.milestone == milestone), None)

    @property
    def apply_step(self):
        return self.step_with(Milestone.ACCEPTED)

    @property
    def handover_step(self):
        """Return the step at which the person gets the new card: collected, or mailed."""
        return self.step_with(Milestone.COLLECTED) or self.step_with(Milestone.MAILED)

    @property
    def mail_arrival(self):
        """Return the latest day a posted card should arrive, or None when it is collected."""
        step = self.step_with(Milestone.MAILED)
        return step.latest if step else None

    @property
    def outcome_reasons(self):
        return tuple(m for m in self.warnings if m.explains_outcome)

    @property
    def other_warnings(self):
        return tuple(m for m in self.warnings if not m.explains_outcome)

    @property
    def photo_notices(self):
        return tuple(m for m in self.notices if m.topic == NoticeTopic.PHOTO)

    @property
    def other_notices(self):
        return tuple(m for m in self.notices if m.topic != NoticeTopic.PHOTO)

    @property
    def handed_back(self):
        return tuple(d for d in self.documents if d.handed_back)
