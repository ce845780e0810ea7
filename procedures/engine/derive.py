"""The facts derived from an applicant's answers and the two regions."""
from .regions import region_facts


def age_on(birth_date, day):
    """Return the age in whole years on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def derive_facts(answers, *, today, hukou, residence):
    """Return the answers plus the facts derived from them and the two regions.

    Either region may be None while the person has not said it yet (the wizard
    asks which questions matter before every answer is in); its facts are then
    unknown, which a condition treats as "not set".
    """
    facts = dict(answers)
    facts["today"] = today
    birth_date = answers.get("birth_date")
    facts["age"] = age_on(birth_date, today) if birth_date else None
    both = hukou is not None and residence is not None
    facts["cross_region"] = hukou.place != residence.place if both else None
    facts["same_province"] = hukou.province_code == residence.province_code if both else None
    expiry = answers.get("card_expiry_date")
    facts["days_to_expiry"] = (expiry - today).days if expiry else None
    facts.update(region_facts("hukou", hukou))
    facts.update(region_facts("residence", residence))
    return facts
