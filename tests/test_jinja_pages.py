"""The wizard's pages are Jinja2 templates (config/jinja2.py); every other page is a Django template.

Both engines must give one site: the same document around the content, the same translated words,
the same markup for a question's options as Django's own widgets write, and escaping as strict.
"""
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from procedures import questions
from wizard import forms
from wizard.services import RegionLookup

from .test_wizard import BIRTH, HENAN_TO_SHENZHEN, Applicant

pytestmark = pytest.mark.django_db


def normalised(html):
    """Collapse runs of whitespace, which the two engines leave in different places."""
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("text_size", [None, "large"])
def test_the_two_base_templates_render_the_same_document(text_size):
    request = RequestFactory().get("/apply/documents/", {"change": "1"})
    if text_size:
        request.COOKIES["text_size"] = text_size

    django_page = render_to_string("base.html", {}, request)
    jinja_page = render_to_string("base.html", {}, request, using="jinja2")

    assert normalised(jinja_page) == normalised(django_page)
    assert "放大文字" in django_page or "标准字号" in django_page  # the header's switch is there to compare


@pytest.fixture
def applicant(client):
    return Applicant(client)


def options_as_django_writes_them(page_form):
    return [str(option.tag()) for option in page_form.question_field]


@pytest.mark.parametrize(("step", "chosen"), [("reason", "lost"), ("documents", ["hukou_book", "residence_permit"])])
def test_a_question_s_options_are_written_as_django_s_widget_writes_them(applicant, step, chosen):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)] if step == "documents" else [])
    assert applicant.answer(step, chosen).status_code == 302

    html = applicant.client.get(f"/apply/{step}/").content.decode()
    assert f'name="{step}-answer"' in html, html[:3000]

    answers = {key: value for key, value in questions.from_json(applicant.answers).items() if key != step}
    page_form = forms.form_class(step)(step=step, answers=answers, initial={forms.FIELD: chosen},
                                       regions=RegionLookup(timezone.localdate()))
    expected = options_as_django_writes_them(page_form)
    assert len(expected) >= 2
    for markup in expected:
        assert markup in html
    assert html.count(" checked") == (len(chosen) if isinstance(chosen, list) else 1)


def test_typed_text_is_escaped_on_a_jinja_page(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])
    response = applicant.post("birth_date", {"answer_0": '<script>alert("x")</script>', "answer_1": "1",
                                             "answer_2": "1"})

    assert response.status_code == 200  # refused, and shown again with what was typed
    html = response.content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_jinja_page_says_its_words_and_numbers(applicant):
    applicant.walk([("reason", "lost")])

    html = applicant.client.get("/apply/hukou_province/").content.decode()

    assert "第 2 步，共约" in html and ">继续</button>" in html and ">上一步</button>" in html
    assert 'name="csrfmiddlewaretoken"' in html
