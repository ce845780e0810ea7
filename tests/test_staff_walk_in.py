"""Walk-ins at the counter: the questions speak to the clerk about the applicant; the applicant's own wizard
keeps speaking to the applicant. The wording is data beside each question."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from procedures import questions

from .test_wizard import HENAN_TO_SHENZHEN, Applicant, expiring_to_shenzhen

BEFORE = {"reason": [], "hukou_province": [("reason", "expired")],
          "residence_province": [("reason", "expired"), *HENAN_TO_SHENZHEN[:2]]}


def _h1(html):
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


def test_every_question_addressed_to_the_applicant_has_a_wording_for_the_clerk():
    for question in questions.QUESTIONS:
        for applicant, clerk in [(question.label_for(), question.label_for(walk_in=True)),
                                 (question.help_for(), question.help_for(walk_in=True))]:
            assert "您" not in str(clerk), question.key
            assert str(applicant) == str(clerk) or "您" in str(applicant), question.key  # only "您" is reworded
    assert str(questions.BY_KEY["hukou_region"].label_for(walk_in=True)) == "申请人的户口在哪里？"


@pytest.mark.parametrize("step, for_clerk, for_applicant", [
    pytest.param("reason", "申请人为什么要办身份证？", "您为什么要办身份证？", id="reason"),
    pytest.param("hukou_province", "申请人的户口在哪里？", "您的户口在哪里？", id="hukou"),
    pytest.param("residence_province", "申请人现在住在哪里？", "您现在住在哪里？", id="residence"),
])
def test_walk_in_pages_ask_the_clerk_and_the_applicants_pages_ask_the_applicant(
        client, clerk, step, for_clerk, for_applicant):
    client.force_login(clerk)
    walk_in = Applicant(client, base="/staff/walk-in/")
    walk_in.walk(BEFORE[step])
    html = client.get(reverse("staff:walk_in_step", kwargs={"step": step})).content.decode()
    assert _h1(html) == for_clerk and for_applicant not in html

    applicant = Applicant(Client())
    applicant.walk(BEFORE[step])
    html = applicant.client.get(reverse("wizard:apply_step", kwargs={"step": step})).content.decode()
    assert _h1(html) == for_applicant and for_clerk not in html


def test_the_walk_in_summary_lists_the_clerks_questions(client, clerk):
    client.force_login(clerk)
    Applicant(client, base="/staff/walk-in/").walk(expiring_to_shenzhen())
    html = client.get(reverse("staff:walk_in_step", kwargs={"step": "summary"})).content.decode()
    assert "申请人的户口在哪里？" in html and "申请人的出生日期是？" in html
    assert "您的户口在哪里？" not in html
