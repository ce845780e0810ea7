"""The admin: every page opens, conditions are checked on the field, graph checks run on save."""
import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin, messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures import models
from procedures.admin_forms import ConditionFormField, format_condition

LOST = {"fact": "reason", "op": "eq", "value": "lost"}


class _FormReader(HTMLParser):
    """Collect what a browser would submit from one ``<form id=...>``."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._textarea = None
        self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
                return
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name and "__prefix__" not in name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.data[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option or "")
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def change_form_data(client, url, form_id="procedure_form"):
    """GET an admin change page and return the POST data its form would send unchanged.

    Reading the rendered form (rather than the form objects in the context) sends
    exactly what a browser sends: the management forms, the hidden initial values
    of fields with callable defaults, and unchecked boxes left out.
    """
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    # Browsers drop the newline Django writes after <textarea>.
    data = {key: value.removeprefix("\n") if key in reader.data and value.startswith("\n") else value
            for key, value in reader.data.items()}
    data["_continue"] = "1"
    return data


def inline_prefix(response, model):
    """Return the formset prefix of the inline for ``model`` on a change page."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model.__name__}")


def form_index(data, prefix, field, value):
    """Return the index of the inline form whose ``field`` holds ``value``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if data.get(f"{prefix}-{index}-{field}") == str(value):
            return index
    raise AssertionError(f"no {prefix} form with {field}={value}")


def message_texts(response, level=None):
    return [str(m) for m in response.context["messages"] if level is None or m.level == level]


@pytest.fixture
def procedure(db):
    """A small, clean procedure: apply -> wait (card ready) -> collect."""
    procedure = models.Procedure.objects.create(
        slug="admin_test", name="测试流程", kind=models.Procedure.Kind.MAIN, priority=900)
    apply = models.State.objects.create(
        procedure=procedure, code="apply", name="申请", order=1, is_initial=True)
    wait = models.State.objects.create(
        procedure=procedure, code="wait", name="等待制证", order=2,
        milestone=models.State.Milestone.CARD_READY, duration_min=1, duration_max=60)
    collect = models.State.objects.create(
        procedure=procedure, code="collect", name="领证", order=3, is_terminal=True)
    models.Transition.objects.create(
        procedure=procedure, source_state=apply, target_state=wait, label="受理")
    models.Transition.objects.create(
        procedure=procedure, source_state=wait, target_state=collect, label="领取")
    models.Requirement.objects.create(procedure=procedure, code="old_card", name="旧证", condition=LOST)
    models.Fee.objects.create(
        procedure=procedure, code="standard", label="换领工本费", amount_yuan=20,
        valid_from=datetime.date(2000, 1, 1))
    models.Notice.objects.create(procedure=procedure, code="tip", title="提示", text="带好证件。")
    models.UrgentOption.objects.create(procedure=procedure, code="temp", title="临时身份证", text="可申领。")
    models.ValidityRule.objects.create(procedure=procedure, min_age=0)
    models.TimeLimit.objects.create(procedure=procedure, kind="deadline", amount=60)
    return procedure


@pytest.fixture
def other_procedure(db):
    """A sub-procedure, with states of its own that must not leak into another procedure's form."""
    other = models.Procedure.objects.create(
        slug="admin_test_sub", name="测试子流程", kind=models.Procedure.Kind.SUB, priority=901)
    models.State.objects.create(procedure=other, code="elsewhere", name="别处的环节", is_initial=True)
    return other


def change_url(procedure):
    return reverse("admin:procedures_procedure_change", args=[procedure.pk])


ADMIN_MODELS = [
    pytest.param(models.Procedure, id="procedure"),
    pytest.param(models.Region, id="region"),
    pytest.param(models.RegionRule, id="region-rule"),
    pytest.param(models.ServicePoint, id="service-point"),
    pytest.param(models.CalendarDay, id="calendar-day"),
    pytest.param(models.CalendarYear, id="calendar-year"),
]


def test_registered_models():
    registered = {model for model in admin.site._registry if model._meta.app_label == "procedures"}
    assert registered == {param.values[0] for param in ADMIN_MODELS}
    assert models.ContentStamp not in admin.site._registry


@pytest.mark.parametrize("model", ADMIN_MODELS)
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_open(admin_client, procedure, model, page):
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, procedure, model):
    """Each changelist costs a fixed number of queries, however many rows it shows."""
    province = models.Region.objects.get_or_create(
        code="990000", defaults={"name": "测试省", "level": "province"})[0]
    for index in range(5):
        region = models.Region.objects.create(
            code=f"99{index + 1:02d}00", name=f"测试市{index}", level="prefecture", parent=province)
        models.RegionRule.objects.create(region=region, topic="photo_receipt", days=180)
        models.ServicePoint.objects.create(region=region, name=f"受理点{index}")
        models.CalendarDay.objects.create(date=datetime.date(2090, 1, index + 1), kind="holiday")
        models.CalendarYear.objects.create(year=2090 + index)
        models.Procedure.objects.create(slug=f"admin_test_{index}", name=f"流程{index}")
    opts = model._meta
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 5
    assert len(queries) <= 12, [query["sql"] for query in queries]


def test_procedure_change_page_renders_inlines_and_panels(admin_client, procedure):
    response = admin_client.get(change_url(procedure))
    assert response.status_code == 200
    counts = {inline.formset.model: len(inline.formset.forms)
              for inline in response.context["inline_admin_formsets"]}
    assert counts == {
        models.State: 3, models.Transition: 2, models.Requirement: 1, models.Fee: 1, models.Notice: 1,
        models.UrgentOption: 1, models.ValidityRule: 1, models.TimeLimit: 1,
    }
    content = response.content.decode()
    assert "可用的事实" in content
    assert "card_ready_by" in content and "预计可领证日期" in content
    assert "is_set" in content
    assert "没有发现问题" in content
    # The stored condition is shown pretty-printed in a monospace box.
    assert "monospace" in content
    assert "&quot;fact&quot;: &quot;reason&quot;" in content


def test_change_page_shows_current_check_results(admin_client, procedure):
    models.State.objects.filter(procedure=procedure, code="wait").update(is_initial=True)
    response = admin_client.get(change_url(procedure))
    rows = response.context["check_rows"]
    assert [row["id"] for row in rows if row["level"] == "error"] == ["procedures.E001"]
    assert "procedures.E001" in response.content.decode()


def test_transition_inline_offers_only_the_procedures_own_states(admin_client, procedure, other_procedure):
    response = admin_client.get(change_url(procedure))
    own = {state.pk for state in procedure.state_set.all()}
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is models.Transition:
            for form in inline.formset.forms:
                for name in ("source_state", "target_state"):
                    offered = {value.value for value, _label in form.fields[name].choices if value}
                    assert offered == own
    assert "别处的环节" not in response.content.decode()


def test_subprocedure_choices_are_sub_procedures(admin_client, procedure, other_procedure):
    response = admin_client.get(change_url(procedure))
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is models.State:
            choices = {value.value for value, _label in inline.formset.forms[0].fields["subprocedure"].choices
                       if value}
            assert other_procedure.pk in choices
            assert procedure.pk not in choices
            assert all(
                models.Procedure.objects.get(pk=pk).kind == models.Procedure.Kind.SUB for pk in choices)


def test_invalid_condition_in_an_inline_is_reported_and_nothing_is_saved(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Requirement)
    index = form_index(data, prefix, "code", "old_card")
    data[f"{prefix}-{index}-condition"] = '{"fact": "reason", "op": "eq", "value": "stolen"}'
    data["name"] = "不该保存的名称"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "“stolen”不是事实 reason 的可选值" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.name == "测试流程"
    assert models.Requirement.objects.get(procedure=procedure, code="old_card").condition == LOST


def test_fact_not_yet_known_is_reported_on_the_procedure_condition(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    data["applies_when"] = '{"fact": "card_ready_by", "op": "is_set"}'

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "事实“card_ready_by”在此处尚不可知" in response.context["adminform"].form.errors["applies_when"][0]
    procedure.refresh_from_db()
    assert procedure.applies_when == {}


@pytest.mark.parametrize("text, hint", [
    pytest.param('{"fact": "reason", "op": "eq", "value": "lost"', None, id="unclosed-brace"),
    pytest.param("{“fact”: “reason”, “op”: “eq”, “value”: “lost”}", "中文引号", id="chinese-quotes"),
    pytest.param("{'fact': 'reason', 'op': 'eq', 'value': 'lost'}", "单引号", id="single-quotes"),
])
def test_malformed_json_gives_a_clear_message(admin_client, procedure, text, hint):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Transition)
    data[f"{prefix}-0-condition"] = text

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = " ".join(response.context["inline_admin_formsets"][1].formset.forms[0].errors["condition"])
    assert "条件不是有效的 JSON：第 1 行第" in errors
    if hint:
        assert hint in errors
    # What the editor typed is given back to fix, not lost.
    assert text in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert all(t.condition == {} for t in procedure.transition_set.all())


def save_without_the_last_transition(admin_client, procedure):
    """Delete the transition into "collect" through the change form ("save and continue"); return the page after."""
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Transition)
    last = procedure.transition_set.get(target_state__code="collect")
    data[f"{prefix}-{form_index(data, prefix, 'id', last.pk)}-DELETE"] = "on"
    return last, admin_client.post(url, data, follow=True)


def test_dead_end_state_is_reported_after_save(admin_client, procedure):
    last, response = save_without_the_last_transition(admin_client, procedure)

    assert response.status_code == 200
    assert not procedure.transition_set.filter(pk=last.pk).exists()
    errors = [row for row in response.context["check_rows"] if row["level"] == "error"]
    assert any(row["id"] == "procedures.E003" and "等待制证" in row["msg"] for row in errors), errors


def test_a_failing_check_is_said_once_with_a_warning_not_a_success(admin_client, procedure):
    """"Save and continue": one warning pointing at the page's own list of checks, where each appears once."""
    _last, response = save_without_the_last_transition(admin_client, procedure)

    assert message_texts(response, messages.SUCCESS) == []
    assert message_texts(response, messages.ERROR) == []
    (warning,) = message_texts(response, messages.WARNING)
    assert "流程检查发现 3 个错误" in warning and "见本页“流程检查结果”" in warning
    page = response.content.decode()
    for check in ("procedures.E002", "procedures.E003", "procedures.E004"):
        assert page.count(check) == 1, check
    assert "成功修改" not in page


def test_saving_back_to_the_list_reports_each_check_once(admin_client, procedure):
    """Plain "save" leaves for the list, which has no checks panel: each check is its own message there."""
    procedure.timelimit_set.all().delete()
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    del data["_continue"]
    data["_save"] = "保存"

    response = admin_client.post(url, data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:procedures_procedure_changelist")
    assert message_texts(response, messages.SUCCESS) == []
    summary, *checks = message_texts(response, messages.WARNING)
    assert "流程检查发现 1 个提醒" in summary and "测试流程" in summary
    assert [text.split()[0] for text in checks] == ["<code>procedures.W004</code>"]
    assert response.content.decode().count("procedures.W004") == 1


def test_deleting_a_state_still_used_by_a_transition_is_refused(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    response = admin_client.get(url)
    states, transitions = inline_prefix(response, models.State), inline_prefix(response, models.Transition)
    collect = procedure.state_set.get(code="collect")
    data[f"{states}-{form_index(data, states, 'id', collect.pk)}-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "环节“领证”将被删除" in response.content.decode()
    assert procedure.state_set.filter(pk=collect.pk).exists()

    used_by = procedure.transition_set.get(target_state=collect)
    data[f"{transitions}-{form_index(data, transitions, 'id', used_by.pk)}-DELETE"] = "on"
    response = admin_client.post(url, data, follow=True)

    assert not procedure.state_set.filter(pk=collect.pk).exists()
    assert "procedures.E003" in {row["id"] for row in response.context["check_rows"]}


@pytest.mark.parametrize("model, field, value, message", [
    pytest.param(models.State, "duration_min", "99", "最短用时不能大于最长用时", id="state-duration-range"),
    pytest.param(models.State, "code", "apply", "重复", id="duplicate-state-code"),
    pytest.param(models.Fee, "valid_to", "1999-01-01", "截止日期不能早于起始日期", id="fee-valid-range"),
    pytest.param(models.Requirement, "code", "Old Card", "只能使用小写字母", id="bad-code"),
])
def test_inline_constraint_violations_are_form_errors(admin_client, procedure, model, field, value, message):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), model)
    data[f"{prefix}-{int(data[f'{prefix}-TOTAL_FORMS']) - 1}-{field}"] = value
    before = list(model.objects.filter(procedure=procedure).values())

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = [str(error) for inline in response.context["inline_admin_formsets"]
              if inline.formset.model is model
              for error in [*inline.formset.non_form_errors(), *inline.formset.errors]]
    assert message in " ".join(errors)
    assert list(model.objects.filter(procedure=procedure).values()) == before


def test_status_cannot_be_set_from_the_change_form(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    assert "status" not in data
    data["status"] = "published"

    admin_client.post(url, data)

    procedure.refresh_from_db()
    assert procedure.status == models.Procedure.Status.DRAFT


def test_clean_procedure_saves_with_a_success_message(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    data["name"] = "测试流程（改）"

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    procedure.refresh_from_db()
    assert procedure.name == "测试流程（改）"
    assert message_texts(response, messages.ERROR) == []
    assert message_texts(response, messages.WARNING) == []
    (success,) = message_texts(response, messages.SUCCESS)
    assert "流程检查通过" in success


def test_warnings_are_shown_with_their_ids(admin_client, procedure):
    procedure.timelimit_set.all().delete()
    url = change_url(procedure)

    response = admin_client.post(url, change_form_data(admin_client, url), follow=True)

    assert message_texts(response, messages.ERROR) == []
    assert [row["id"] for row in response.context["check_rows"]] == ["procedures.W004"]
    (warning,) = message_texts(response, messages.WARNING)
    assert "1 个提醒" in warning


def test_blank_condition_is_saved_as_always(admin_client, procedure):
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Requirement)
    data[f"{prefix}-0-condition"] = "   "

    admin_client.post(url, data)

    assert models.Requirement.objects.get(procedure=procedure, code="old_card").condition == {}


def test_adding_a_procedure_reports_missing_states(admin_client):
    data = {
        "name": "新流程", "slug": "admin_test_new", "version": "1", "kind": "main", "outcome": "apply_here",
        "priority": "100", "summary": "", "applies_when": "", "source": "", "confidence": "unknown",
        "last_checked": "",
    }
    for model in (models.State, models.Transition, models.Requirement, models.Fee, models.Notice,
                  models.UrgentOption, models.ValidityRule, models.TimeLimit):
        prefix = model._meta.model_name + "_set"
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = admin_client.post(reverse("admin:procedures_procedure_add"), data, follow=True)

    assert models.Procedure.objects.filter(slug="admin_test_new").exists()
    assert any(text.startswith("<code>procedures.E001</code> ") for text in message_texts(response, messages.ERROR))
    assert message_texts(response, messages.SUCCESS) == []


@pytest.fixture
def shenzhen(db):
    """Shenzhen as the seed migration stores it (created here if the seed is absent)."""
    province, _ = models.Region.objects.get_or_create(
        code="440000", defaults={"name": "广东省", "level": "province", "pinyin": "guangdongsheng gds"})
    region, _ = models.Region.objects.get_or_create(
        code="440300",
        defaults={"name": "深圳市", "level": "prefecture", "parent": province, "pinyin": "shenzhenshi szs"})
    return region


@pytest.mark.parametrize("term", [
    pytest.param("440300", id="code"),
    pytest.param("深圳", id="chinese-name"),
    pytest.param("shenzhen", id="pinyin"),
    pytest.param("szs", id="pinyin-initials"),
])
def test_region_search(admin_client, shenzhen, term):
    response = admin_client.get(reverse("admin:procedures_region_changelist"), {"q": term})
    assert shenzhen in response.context["cl"].result_list


def test_region_change_page_has_rules_inline(admin_client, shenzhen):
    models.RegionRule.objects.get_or_create(region=shenzhen, topic="mail_delivery")
    response = admin_client.get(reverse("admin:procedures_region_change", args=[shenzhen.pk]))
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is models.RegionRule
    assert len(inline.formset.forms) == shenzhen.rules.count()


def test_format_condition_puts_one_comparison_per_line():
    condition = {"all": [LOST, {"not": {"any": [{"fact": "age", "op": "lt", "value": 16}, LOST]}}]}
    text = format_condition(condition)
    assert text.splitlines() == [
        '{"all": [',
        '  {"fact": "reason", "op": "eq", "value": "lost"},',
        '  {"not": {"any": [',
        '    {"fact": "age", "op": "lt", "value": 16},',
        '    {"fact": "reason", "op": "eq", "value": "lost"}',
        "  ]}}",
        "]}",
    ]
    assert ConditionFormField().to_python(text) == condition


def test_region_rule_region_autocomplete_finds_by_pinyin(admin_client, shenzhen):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "term": "shenzhen", "app_label": "procedures", "model_name": "regionrule", "field_name": "region"})
    assert response.status_code == 200
    assert str(shenzhen.pk) in {result["id"] for result in response.json()["results"]}
