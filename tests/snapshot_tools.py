"""The table of answer combinations that walks every seeded path, and their text snapshots.

A case is a readable id and the raw answers a person would give. ``render`` turns
the plan computed for it into plain text that a reviewer can read top to bottom:
what to bring, where to go, what it costs, when the card is ready and why, and
which facts are not verified. ``check_snapshot`` compares that text with the file
under ``tests/snapshots/paths/``; ``UPDATE_SNAPSHOTS=1`` rewrites the files.
"""
import datetime
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from procedures import questions
from wizard.services import RegionLookup, compute_plan

TODAY = datetime.date(2026, 11, 25)
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots" / "paths"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

# (hukou, residence) division codes. District codes on purpose: they must resolve to the city.
PAIRS = {
    "henan-to-shenzhen": ("410100", "440300"),  # cross-region; Guangdong photo receipt
    "henan-to-beijing": ("410100", "110105"),  # cross-region; Beijing promises 20 days
    "nanjing-to-shanghai": ("320100", "310101"),  # both in the Yangtze River Delta pilot
    "shenzhen-local": ("440300", "440305"),  # local; photo receipt; same-province online
    "beijing-local": ("110105", "110108"),  # local; Beijing promises 12 working days
    "guangzhou-to-shenzhen": ("440100", "440300"),  # cross-region inside one province
    "shenzhen-to-guangzhou": ("440300", "440100"),  # Guangzhou promises 40 days cross-region
    "henan-to-changsha": ("410100", "430100"),  # Hunan: receipts accepted, free photos at the counter
    "nanjing-to-hefei": ("320100", "340100"),  # pilot; Anhui accepts photo receipts (not required)
    "shenzhen-to-henan": ("440300", "410100"),  # a minor must go home, where a receipt is needed
    "beijing-to-henan": ("110105", "410100"),  # a minor must go home, where Beijing's promises apply
    "nanjing-to-suzhou": ("320100", "320505"),  # inside one province whose 省内通办 is not known
    "henan-to-xining": ("410100", "630102"),  # Xining mails cards
    "xining-local": ("630100", "630102"),
    "xining-to-henan": ("630100", "410100"),  # sent home, where cards are mailed
    "henan-to-chengdu": ("410100", "510104"),  # Sichuan: a relative may collect
    "chengdu-local": ("510100", "510104"),
    "chengdu-to-henan": ("510100", "410100"),  # sent home, where a relative may collect
    "hongkong-hukou": ("810000", "440300"),
    "henan-to-hongkong": ("410100", "810000"),
    "taiwan-hukou": ("710000", "350200"),
    "changsha-to-xiamen": ("430100", "350203"),  # Fujian: photos at the counter; Xiamen's booking account
}

# Birth dates giving these ages on TODAY (and on any card-ready date in the plan).
AGES = {
    "minor": datetime.date(2012, 3, 10),  # 14: guardian, 5-year card
    "age15": datetime.date(2011, 1, 10),  # 15, turning 16 a few weeks after TODAY
    "age16": datetime.date(2010, 6, 1),  # 16: the age of a first application
    "young": datetime.date(2004, 9, 15),  # 22: 10-year card
    "adult": datetime.date(1990, 5, 1),  # 36: 20-year card
    "46plus": datetime.date(1975, 1, 20),  # 51: long-term card
}

EXPIRY = {
    "expiring": datetime.date(2027, 1, 20),  # inside the 3-month window
    "expired": datetime.date(2026, 8, 1),
}
WINDOW_NOT_OPEN_EXPIRY = datetime.date(2027, 9, 25)  # 10 months after TODAY
SOON = datetime.date(2026, 12, 5)  # before any card can be ready
LATER = datetime.date(2027, 6, 1)  # after every card-ready date
# Before the ministry said first applications were handled across provinces everywhere (2024-05-27).
BEFORE_NATIONWIDE = datetime.date(2024, 3, 1)

DEFAULT_DOCUMENTS = {
    "expiring": ["old_card", "residence_permit"],
    "expired": ["old_card", "residence_proof"],
    "damaged": ["old_card", "hukou_book"],
    "details_changed": ["old_card", "hukou_book", "residence_permit"],
    "lost": ["hukou_book"],
    "first_time": ["hukou_book"],
}


@dataclass(frozen=True)
class Case:
    id: str
    answers: dict = field(hash=False)
    today: datetime.date = TODAY  # the day the plan is made


def make_case(reason, pair, age, variant="", *, on=TODAY, **overrides):
    """Return a case whose answers hold every question; ``clean_answers`` drops what is not asked."""
    hukou, residence = PAIRS[pair]
    answers = {
        "reason": reason,
        "hukou_region": hukou,
        "residence_region": residence,
        "birth_date": AGES[age].isoformat(),
        "documents": list(DEFAULT_DOCUMENTS[reason]),
        "has_photo_receipt": False,
        "delivery": "collect",
        "needed_by": None,
        "hardship": False,
    }
    if reason in EXPIRY:
        answers["card_expiry_date"] = EXPIRY[reason].isoformat()
    for key, value in overrides.items():
        answers[key] = value.isoformat() if isinstance(value, datetime.date) else value
    parts = [reason.replace("_", "-"), pair, age] + ([variant] if variant else [])
    return Case("-".join(parts), answers, on)


def _first_time_age(age):
    # Nobody applies for a first card at 36: an adult first application is made at 16.
    return "age16" if age == "adult" else age


def build_cases():
    """Return the cases: reasons × the four main region pairs, then ages, then the variants."""
    reasons = ("expiring", "expired", "damaged", "details_changed", "lost", "first_time")
    main_pairs = ("henan-to-shenzhen", "henan-to-beijing", "nanjing-to-shanghai", "shenzhen-local")
    cases = [
        make_case(reason, pair, _first_time_age("adult") if reason == "first_time" else "adult")
        for reason in reasons for pair in main_pairs
    ]
    # Under 16: a first application is made where the child lives, with a guardian.
    cases += [make_case("first_time", pair, "minor") for pair in main_pairs]
    cases += [
        make_case("lost", "henan-to-shenzhen", "minor"),
        make_case("expiring", "shenzhen-local", "minor"),
        make_case("damaged", "nanjing-to-shanghai", "minor"),
        make_case("first_time", "henan-to-xining", "minor", "mail", delivery="mail"),
        make_case("first_time", "beijing-local", "minor"),
        make_case("lost", "shenzhen-local", "minor"),
        make_case("first_time", "shenzhen-to-henan", "minor"),
        make_case("first_time", "xining-to-henan", "minor", "mail", delivery="mail"),
        make_case("first_time", "beijing-to-henan", "minor"),
        # 15 and turning 16 within weeks: told what waiting changes.
        make_case("first_time", "henan-to-shenzhen", "age15"),
        make_case("first_time", "shenzhen-local", "age15"),
        # Details changed away from home: back to Shenzhen (receipt, mail) to fix the register first.
        make_case("details_changed", "shenzhen-to-henan", "minor"),
        make_case("details_changed", "xining-to-henan", "adult", "mail", delivery="mail"),
        # Sent home where Beijing's local promise applies; living where mail is offered but sent home (none).
        make_case("details_changed", "beijing-to-henan", "adult"),
        make_case("details_changed", "henan-to-xining", "adult", "mail", delivery="mail"),
        make_case("details_changed", "henan-to-shenzhen", "adult", "hardship-needed-soon", hardship=True,
                  needed_by=SOON),
    ]
    # Validity bands: 16–25 → 10 years, 46 and over → long-term.
    cases += [
        make_case("expired", "henan-to-shenzhen", "young"),
        make_case("expiring", "henan-to-beijing", "46plus"),
        make_case("expired", "nanjing-to-shanghai", "46plus"),
        make_case("lost", "shenzhen-local", "46plus"),
        make_case("first_time", "henan-to-beijing", "46plus"),
    ]
    # Delivery by mail, where the place of application offers it (Xining).
    cases += [
        make_case("lost", "henan-to-xining", "adult", "mail", delivery="mail"),
        make_case("expiring", "henan-to-xining", "adult", "mail", delivery="mail"),
        make_case("damaged", "xining-local", "adult", "mail", delivery="mail"),
        make_case("lost", "xining-local", "adult", "mail", delivery="mail"),
        make_case("first_time", "xining-local", "age16", "mail", delivery="mail"),
        make_case("first_time", "henan-to-xining", "age16", "mail", delivery="mail"),
    ]
    # Collection by a relative, where the place of application allows it (Sichuan).
    cases += [
        make_case("expiring", "henan-to-chengdu", "adult"),
        make_case("lost", "henan-to-chengdu", "adult"),
        make_case("first_time", "henan-to-chengdu", "age16"),
        make_case("expired", "chengdu-local", "adult"),
        make_case("lost", "chengdu-local", "adult"),
        make_case("first_time", "chengdu-local", "age16"),
        make_case("details_changed", "chengdu-to-henan", "adult"),
        make_case("first_time", "chengdu-to-henan", "minor"),
    ]
    # Already holding a photo receipt: the receipt step is skipped.
    cases += [
        make_case("expiring", "henan-to-shenzhen", "adult", "has-receipt", has_photo_receipt=True),
        make_case("first_time", "shenzhen-local", "age16", "has-receipt", has_photo_receipt=True),
    ]
    # Low-income households.
    cases += [
        make_case("expiring", "henan-to-shenzhen", "adult", "hardship", hardship=True),
        make_case("damaged", "shenzhen-local", "adult", "hardship", hardship=True),
        make_case("lost", "henan-to-beijing", "adult", "hardship", hardship=True),
        make_case("lost", "shenzhen-local", "adult", "hardship", hardship=True),
    ]
    # Needed before the card can be ready (urgent options), and needed only later (none).
    cases += [
        make_case("expiring", "henan-to-beijing", "adult", "needed-soon", needed_by=SOON),
        make_case("expiring", "nanjing-to-shanghai", "adult", "needed-soon", needed_by=SOON),
        make_case("damaged", "shenzhen-local", "adult", "needed-soon", needed_by=SOON),
        make_case("first_time", "henan-to-shenzhen", "age16", "needed-soon", needed_by=SOON),
        make_case("first_time", "nanjing-to-shanghai", "age16", "needed-soon", needed_by=SOON),
        make_case("first_time", "beijing-local", "age16", "needed-soon", needed_by=SOON),
        make_case("first_time", "henan-to-beijing", "minor", "needed-soon", needed_by=SOON),
        make_case("expiring", "henan-to-shenzhen", "adult", "needed-later", needed_by=LATER),
    ]
    # Expiry 10 months away: the plan waits for the renewal window.
    cases += [
        make_case("expiring", "henan-to-shenzhen", "adult", "window-not-open",
                  card_expiry_date=WINDOW_NOT_OPEN_EXPIRY),
        make_case("expiring", "shenzhen-local", "adult", "window-not-open",
                  card_expiry_date=WINDOW_NOT_OPEN_EXPIRY),
    ]
    # Local promises, other pairs, and document variants.
    cases += [
        make_case("expiring", "beijing-local", "adult"),
        make_case("lost", "beijing-local", "adult"),
        make_case("first_time", "beijing-local", "age16"),
        # Inside one province: Guangdong takes any acceptance point (no residence proof); Jiangsu: not known.
        make_case("expiring", "guangzhou-to-shenzhen", "adult"),
        make_case("expiring", "nanjing-to-suzhou", "adult"),
        make_case("lost", "nanjing-to-suzhou", "adult"),
        make_case("lost", "shenzhen-to-guangzhou", "adult"),
        make_case("lost", "henan-to-changsha", "adult"),
        make_case("lost", "nanjing-to-hefei", "adult"),
        make_case("lost", "henan-to-beijing", "adult", "with-permit", documents=["residence_permit"]),
        make_case("expired", "henan-to-shenzhen", "adult", "no-documents", documents=[]),
        # A renewal without the old card: warned that it is handed back, and that a lost card is a reissue.
        make_case("expiring", "shenzhen-local", "adult", "no-old-card", documents=["hukou_book"]),
        make_case("details_changed", "henan-to-shenzhen", "adult", "no-old-card", documents=["hukou_book"]),
        # A lost card and no identity document at all: the counter would refuse.
        make_case("lost", "henan-to-shenzhen", "adult", "no-documents", documents=[]),
        make_case("lost", "shenzhen-local", "adult", "no-documents", documents=[]),
        make_case("lost", "henan-to-beijing", "adult", "passport", documents=["other_police_id"]),
    ]
    # Before 2024-05-27 a first application away from home was made at the hukou place.
    cases += [
        make_case("first_time", "shenzhen-to-henan", "minor", "before-nationwide", on=BEFORE_NATIONWIDE),
        make_case("first_time", "xining-to-henan", "age16", "before-nationwide-mail", on=BEFORE_NATIONWIDE,
                  birth_date=datetime.date(2007, 9, 1), delivery="mail"),
        make_case("first_time", "chengdu-to-henan", "minor", "before-nationwide", on=BEFORE_NATIONWIDE),
        make_case("first_time", "henan-to-beijing", "minor", "before-nationwide-needed-soon", on=BEFORE_NATIONWIDE,
                  needed_by=datetime.date(2024, 3, 10)),
    ]
    # Hong Kong, Macao and Taiwan.
    cases += [
        make_case("lost", "hongkong-hukou", "adult"),
        make_case("expiring", "henan-to-hongkong", "adult"),
        make_case("first_time", "taiwan-hukou", "age16"),
    ]
    ids = [case.id for case in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate case ids: {duplicates}"
    # The office directory's one entry: Xiamen's booking account on the plan of someone living there.
    cases.append(make_case("lost", "changsha-to-xiamen", "46plus"))
    return cases


CASES = build_cases()


def plan_for(case):
    """Return (cleaned answers, engine plan, JSON data) for a case, as the command computes them."""
    regions = RegionLookup(case.today)
    answers, problems = questions.clean_answers(case.answers, today=case.today, regions=regions)
    assert problems == [], f"{case.id}: the case's answers are not valid: {problems}"
    plan, data = compute_plan(answers, today=case.today, regions=regions)
    return answers, plan, data


# --- rendering ---------------------------------------------------------------------

CONFIDENCE = {"verified": "已核实", "likely": "较可能", "unknown": "未确认"}
WEEKDAYS = "一二三四五六日"
HELD = {True: "[x]", False: "[ ]", None: "[-]"}
FORMS = {"original": "原件", "copy": "复印件", "original_and_copy": "原件和复印件", "none": "无需纸质材料"}


def mark(item):
    """Return " [较可能: source]" for a fact that is not verified, else ""."""
    if not item or item.get("confidence") == "verified":
        return ""
    label = CONFIDENCE.get(item.get("confidence"), item.get("confidence"))
    return f"  [{label}: {item.get('source') or '无出处'}]"


def day(value):
    if value is None:
        return "—"
    date = datetime.date.fromisoformat(value)
    return f"{value}({WEEKDAYS[date.weekday()]})"


def _days_between(start, end):
    return (datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)).days


def _answer_value(value):
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "—" if value is None else str(value)


def render(case_id, answers, data):
    """Return the plan ``data`` (the JSON contract) as a readable text snapshot."""
    out = [f"# {case_id}", f"today: {day(data['today'])}", "", "answers (as cleaned):"]
    out += [f"  {key}: {_answer_value(value)}" for key, value in answers.items()]

    hukou, residence = data["hukou_region"], data["residence_region"]
    out += [
        "",
        f"outcome: {data['outcome']}",
        f"procedure: {data['procedure']}@{data['procedure_version']}  {data['procedure_name']}",
        f"hukou: {hukou['code']} {hukou['name']} (→ {hukou['resolved']})",
        f"residence: {residence['code']} {residence['name']} (→ {residence['resolved']})",
        f"cross-region: {'yes' if data['cross_region'] else 'no'}    age: {_answer_value(data['age'])}",
        f"apply date: {day(data['apply_date'])}"
        + (f"    renewal window opens: {day(data['renewal_window_opens'])}" if data["renewal_window_opens"] else ""),
    ]

    fee = data["fee"]
    if fee is None:
        out.append(f"fee: {data['fee_yuan']} 元 (no fee row applies)")
    else:
        waiver = ", waiver" if fee["waiver"] else ""
        out.append(f"fee: {data['fee_yuan']} 元 — {fee['code']}{waiver}: {fee['label']}{mark(fee)}")

    out += ["", "documents:"]
    if not data["documents"]:
        out.append("  (none)")
    shown_groups = set()
    for doc in data["documents"]:
        group = tuple(doc.get("any_of") or ())
        indent = "  "
        if group:
            indent = "    "
            if group not in shown_groups:
                shown_groups.add(group)
                out.append(f"  any one of: {' | '.join(group)}")
        extras = [FORMS.get(doc["form"], doc["form"])]
        if doc["quantity"] != 1:
            extras.append(f"×{doc['quantity']}")
        if doc["handed_back"]:
            extras.append("handed back when the new card is collected")
        out.append(f"{indent}{HELD[doc['held']]} {doc['code']}  {doc['name']}  ({'; '.join(extras)}){mark(doc)}")
    out.append("  legend: [x] has it  [ ] does not have it yet  [-] not asked")

    if data["photo_receipt_required"]:
        days = data["photo_receipt_validity_days"]
        validity = "validity not known" if days is None else f"valid {days} days"
        expiry = f", a receipt made on the apply date expires {day(data['photo_receipt_expiry'])}" \
            if data["photo_receipt_expiry"] else ""
        out.append(f"photo receipt: required where the person applies ({validity}{expiry})"
                   f"{mark(data['photo_receipt'])}")
    else:
        out.append("photo receipt: not required where the person applies")

    out += ["", "steps:"]
    for number, step in enumerate(data["steps"], 1):
        when = day(step["earliest"]) if step["earliest"] == step["latest"] else \
            f"{day(step['earliest'])} … {day(step['latest'])}"
        milestone = f"  <{step['milestone']}>" if step["milestone"] else ""
        out.append(f"  {number:>2}. {step['code']}  {step['title']}{milestone}")
        out.append(f"      when: {when}    by: {step['actor']}{mark(step)}")
        if step["where"]:
            out.append(f"      where: {step['where']}")
        if step["description"]:
            out.append(f"      what: {step['description']}")

    out.append("")
    if data["card_ready_by"]:
        days = _days_between(data["apply_date"], data["card_ready_by"])
        out.append(f"card ready by: {day(data['card_ready_by'])} = apply date + {days} days "
                   f"(basis: {data['card_ready_basis']}){mark(data['card_ready'])}")
    else:
        out.append("card ready by: —")
    if data["statutory_deadline"]:
        days = _days_between(data["apply_date"], data["statutory_deadline"])
        out.append(f"statutory deadline: {day(data['statutory_deadline'])} = apply date + {days} days"
                   f"{mark(data['statutory_deadline_basis'])}")
    else:
        out.append("statutory deadline: —")
    if data["new_card_long_term"]:
        validity = "long-term (长期)"
    elif data["new_card_validity_years"]:
        validity = f"{data['new_card_validity_years']} years, to {day(data['new_card_expiry'])}"
    else:
        validity = "—"
    out.append(f"new card valid: {validity}{mark(data['new_card_validity'])}")
    out.append(f"holiday calendar complete: {'no' if data['calendar_incomplete'] else 'yes'}")

    out += ["", "where exactly (office directory):"]
    for point in data.get("service_points", ()):
        details = "; ".join(f"{name}: {point[name]}" for name in ("address", "hours", "phone", "booking", "booking_url")
                            if point.get(name))
        out.append(f"  - [{point['kind']}] {point['name']}  weekend: {point['weekend']}{mark(point)}")
        out.append(f"      {details}")
    if not data.get("service_points"):
        out.append("  (none: the page says to ask the local police)")

    for heading, key in (("warnings", "warnings"), ("notices", "notices"), ("urgent options", "urgent_options")):
        out += ["", f"{heading}:"]
        if not data[key]:
            out.append("  (none)")
        for message in data[key]:
            fee_text = f"  ({message['fee_yuan']} 元)" if message.get("fee_yuan") is not None else ""
            out.append(f"  - {message['code']}: {message['title']}{fee_text}{mark(message)}")
            out.append(f"      {message['text']}")
            if message.get("ready_by"):
                late = ", too late for the day needed" if message.get("late") else ""
                out.append(f"      in hand by {day(message['ready_by'])}{late}")
    return "\n".join(out) + "\n"


# --- snapshot files ------------------------------------------------------------------

def snapshot_path(case_id):
    return SNAPSHOT_DIR / f"{case_id}.txt"


def check_snapshot(case_id, text):
    """Compare ``text`` with the stored snapshot; return a message if it was (re)written.

    Without ``UPDATE_SNAPSHOTS=1`` a missing or different snapshot fails the test.
    """
    path = snapshot_path(case_id)
    relative = path.relative_to(Path(__file__).resolve().parents[1])
    if UPDATE:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return f"UPDATE_SNAPSHOTS=1: wrote {relative}; review it before committing."
    if not path.exists():
        pytest.fail(
            f"No snapshot for case {case_id!r} at {relative}.\n"
            f"Create it with: UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_paths.py -k {case_id}\n"
            "then read the new file and commit it.",
            pytrace=False,
        )
    stored = path.read_text(encoding="utf-8")
    if stored != text:
        diff = "".join(difflib.unified_diff(
            stored.splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"{relative} (stored)", tofile=f"{case_id} (computed)"))
        pytest.fail(
            f"The plan for {case_id!r} differs from its snapshot:\n{diff}\n"
            "If the change is intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff.",
            pytrace=False,
        )
    return None
