"""The content report: flags on facts, the command, the admin page, and the counts on the seeded content."""
import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command, execute_from_command_line
from django.urls import reverse
from django.utils import timezone

from procedures import report
from procedures.models import Confidence, Procedure, Region, RegionRule
from procedures.report import Flag, content_report, flag_counts, flags_for

from .factories import NoticeFactory, ProcedureFactory, StateFactory

ON = datetime.date(2026, 11, 25)
REPORT = "/admin/procedures/content-report/"
LAW = "中华人民共和国居民身份证法（2011 年修正）"
COMMERCIAL = "177250.com/sfz/427.html（异地换领、补领身份证流程）"


def flags(source=LAW, confidence=Confidence.LIKELY, last_checked=ON, text="携带原来的身份证。"):
    return flags_for(source=source, confidence=confidence, last_checked=last_checked, text=text, on=ON)


@pytest.mark.parametrize(("fact", "expected"), [
    pytest.param({}, (), id="likely-from-the-law"),
    pytest.param({"confidence": Confidence.VERIFIED}, (), id="verified-from-the-law"),
    pytest.param({"confidence": Confidence.VERIFIED, "source": "公安部 2016"}, (), id="verified-from-the-ministry"),
    pytest.param({"confidence": Confidence.VERIFIED, "source": "www.GOV.cn/zhengce"}, (), id="official-site-any-case"),
    pytest.param({"confidence": Confidence.VERIFIED, "source": "央视新闻 2024"}, (), id="state-press"),
    pytest.param({"confidence": Confidence.LIKELY, "source": COMMERCIAL}, (), id="likely-from-one-commercial-page"),
    pytest.param({"confidence": Confidence.VERIFIED, "source": COMMERCIAL},
                 (Flag.VERIFIED_SINGLE_SOURCE,), id="verified-from-one-commercial-page"),
    pytest.param({"source": "domain.md §6：制证环节的内部旧规"}, (Flag.INTERNAL_NOTE,), id="internal-source"),
    pytest.param({"text": "地区名单待管理员核实。"}, (Flag.INTERNAL_NOTE,), id="open-question-in-the-text"),
    pytest.param({"text": "todo: 写清楚"}, (Flag.INTERNAL_NOTE,), id="todo-any-case"),
    pytest.param({"text": "示例：部分城市提供邮寄送证"}, (Flag.PLACEHOLDER,), id="example-in-the-text"),
    pytest.param({"source": "Placeholder"}, (Flag.PLACEHOLDER,), id="placeholder-as-source"),
    pytest.param({"last_checked": ON - datetime.timedelta(days=365)}, (), id="checked-exactly-a-year-ago"),
    pytest.param({"last_checked": ON - datetime.timedelta(days=366)},
                 (Flag.NOT_CHECKED_FOR_A_YEAR,), id="checked-over-a-year-ago"),
    pytest.param({"last_checked": None}, (Flag.NOT_CHECKED_FOR_A_YEAR,), id="never-checked"),
    pytest.param({"source": "  "}, (Flag.NO_SOURCE,), id="blank-source"),
    pytest.param({"source": "", "confidence": Confidence.VERIFIED},
                 (Flag.VERIFIED_SINGLE_SOURCE, Flag.NO_SOURCE), id="verified-with-no-source"),
    pytest.param({"source": "domain.md §5（此处为示例）", "confidence": Confidence.VERIFIED, "last_checked": None},
                 (Flag.VERIFIED_SINGLE_SOURCE, Flag.INTERNAL_NOTE, Flag.PLACEHOLDER, Flag.NOT_CHECKED_FOR_A_YEAR),
                 id="everything-at-once-in-flag-order"),
])
def test_flags_for(fact, expected):
    assert flags(**fact) == tuple(flag.value for flag in expected)


def test_every_flag_has_a_chinese_label_and_a_stable_code():
    assert Flag.values == [
        "verified_single_source", "internal_note", "placeholder", "not_checked_for_a_year", "no_source"]
    assert all(any("\u4e00" <= char <= "\u9fff" for char in str(label)) for label in Flag.labels)


@pytest.fixture
def draft(db):
    """A draft with a verified state from a commercial page and two notices, one of them an internal example."""
    procedure = ProcedureFactory(slug="report-test", status=Procedure.Status.DRAFT, effective_from=None,
                                 source=LAW, last_checked=ON)
    StateFactory(procedure=procedure, code="apply", name="递交申请", source=COMMERCIAL,
                 confidence=Confidence.VERIFIED, last_checked=ON, is_initial=True, is_terminal=True)
    NoticeFactory(procedure=procedure, code="first", order=1, title="提示一", text="带上旧证。", source=LAW,
                  last_checked=ON - datetime.timedelta(days=400))
    NoticeFactory(procedure=procedure, code="second", order=2, title="示例提示", text="待管理员补充。",
                  source="", last_checked=ON)
    return procedure


def rows_of(procedure):
    return [row for row in content_report(ON)
            if (row.model, row.pk) == ("procedure", procedure.pk) or row.owner_pk == procedure.pk]


def test_report_rows_of_a_draft(draft):
    rows = rows_of(draft)

    assert [(row.model, row.identity, row.standing, row.flags) for row in rows] == [
        ("procedure", "report-test v1", "草稿", ()),
        ("state", "report-test v1 · apply", "草稿", ("verified_single_source",)),
        ("notice", "report-test v1 · first", "草稿", ("not_checked_for_a_year",)),
        ("notice", "report-test v1 · second", "草稿", ("internal_note", "placeholder", "no_source")),
    ]
    notice = rows[3]
    assert notice.text == "示例提示；待管理员补充。"
    assert notice.kind == "提示" and notice.confidence_label == "未确认"
    assert (notice.owner_pk, notice.position) == (draft.pk, 1)
    assert notice.to_json()["flags"] == ["internal_note", "placeholder", "no_source"]


def test_report_leaves_out_retired_versions_and_shows_live_and_scheduled_ones(draft):
    live = ProcedureFactory(slug="report-live", effective_from=ON - datetime.timedelta(days=10))
    scheduled = ProcedureFactory(slug="report-live", version=2, effective_from=ON + datetime.timedelta(days=10))
    retired = ProcedureFactory(slug="report-live", version=0, status=Procedure.Status.RETIRED)

    standings = {row.pk: row.standing for row in content_report(ON) if row.model == "procedure"}

    assert standings[live.pk] == "现行" and standings[scheduled.pk] == "待生效"
    assert retired.pk not in standings


def test_report_rows_of_regions_and_rules(db):
    rule = RegionRule.objects.create(
        region=Region.objects.get(code="440300"), topic="yrd_pilot", applies=False, note="", source=COMMERCIAL,
        confidence=Confidence.VERIFIED, last_checked=None)

    row = next(row for row in content_report(ON) if row.model == "regionrule" and row.pk == rule.pk)

    assert row.identity == "广东省深圳市（440300） · 长三角临时身份证试点"
    assert row.text == "不适用：长三角临时身份证试点"
    assert row.flags == ("verified_single_source", "not_checked_for_a_year")


# --- the command --------------------------------------------------------------------------------------

def test_command_prints_a_table_and_a_count_per_flag(draft):
    out = StringIO()
    call_command("content_report", "--today", ON.isoformat(), stdout=out)
    text = out.getvalue()

    assert "report-test v1 · second | internal_note,placeholder,no_source | — | 示例提示；待管理员补充。" in text
    counts = flag_counts(content_report(ON))
    assert f"no_source 未记录来源：{counts['no_source']}" in text.splitlines()[-1]
    summary = text.splitlines()[-len(Flag.values):]
    assert [line.split()[0] for line in summary] == Flag.values


def test_command_json_only_flagged(draft):
    out = StringIO()
    call_command("content_report", "--format", "json", "--only-flagged", "--today", ON.isoformat(), stdout=out)
    document = json.loads(out.getvalue())

    assert document["shown"] == len(document["rows"]) < document["total"]
    assert all(row["flags"] for row in document["rows"])
    assert "report-test v1" not in {row["identity"] for row in document["rows"]}  # nothing wrong with it
    assert document["counts"] == flag_counts(report.select(content_report(ON), report.ANY))


def test_command_one_flag(draft):
    out = StringIO()
    call_command("content_report", "--format", "json", "--flag", "no_source", "--today", ON.isoformat(), stdout=out)
    assert [row["identity"] for row in json.loads(out.getvalue())["rows"]] == ["report-test v1 · second"]


def test_command_exits_0_from_the_command_line(draft, capsys):
    # execute_from_command_line raises SystemExit on any failure; returning is exit status 0.
    execute_from_command_line(["manage.py", "content_report", "--only-flagged"])
    assert "report-test v1 · second" in capsys.readouterr().out


# --- the admin page -----------------------------------------------------------------------------------

def test_report_page_needs_a_sign_in(client, db):
    response = client.get(REPORT)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_report_page_needs_the_view_permission(client, db):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(REPORT).status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_procedure"))
    clerk = User.objects.get(pk=clerk.pk)  # permissions are cached on the user object
    client.force_login(clerk)
    assert client.get(REPORT).status_code == 200


def test_report_page_lists_facts_with_flags_and_edit_links(admin_client, draft):
    assert reverse("admin:procedures_content_report") == REPORT
    response = admin_client.get(REPORT)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<caption>" in html and '<th scope="col">来源</th>' in html
    change = reverse("admin:procedures_procedure_change", args=[draft.pk])
    assert f'<a href="{change}#notice_set-1">report-test v1 · second</a>' in html
    assert "含内部备注（不得给申请人看到）" in html and "来源未记录" in html
    shenzhen = Region.objects.get(code="440300")
    assert f'href="{reverse("admin:procedures_region_change", args=[shenzhen.pk])}"' in html
    assert "<script" not in html.split('id="content-main"')[1] and "style=" not in html


def test_an_edit_link_points_at_the_rows_form_on_the_version_page(admin_client, draft):
    item = next(item for item in admin_client.get(REPORT).context["items"]
                if item["row"].identity == "report-test v1 · second")
    page, anchor = item["url"].split("#")
    assert f'id="{anchor}"' in admin_client.get(page).content.decode()


def test_report_page_filters_by_flag_with_plain_links(admin_client, draft):
    html = admin_client.get(REPORT).content.decode()
    assert 'href="?flag=no_source"' in html and 'href="?flag=any"' in html

    response = admin_client.get(REPORT, {"flag": "no_source"})
    assert [item["row"].identity for item in response.context["items"]] == ["report-test v1 · second"]
    html = response.content.decode()
    assert 'aria-current="page"><strong>未记录来源（1）</strong>' in html
    assert "标记为“未记录来源”的内容（1 条）" in html

    flagged = admin_client.get(REPORT, {"flag": "any"}).context["items"]
    assert flagged and all(item["row"].flags for item in flagged)
    every = admin_client.get(REPORT, {"flag": "nonsense"}).context["items"]
    assert len(every) == len(content_report(timezone.localdate()))


def test_procedure_changelist_links_to_the_report(admin_client, db):
    html = admin_client.get(reverse("admin:procedures_procedure_changelist")).content.decode()
    assert f'href="{REPORT}"' in html


# --- the seeded content -------------------------------------------------------------------------------

# What the seed migrations hold on the day their facts were last checked. A content fix changes these
# numbers: update them with the fix, so that the change is seen and reviewed.
# 0019: 13 statutory 2027 holidays; 0020: 3 no_old_card, 3 hardship_proof, 2 local-renewal papers;
# 0026: the Xiamen booking channel
SEEDED_ROWS = 1692
SEEDED_COUNTS = {
    "verified_single_source": 0,
    "internal_note": 0,
    "placeholder": 0,
    "not_checked_for_a_year": 0,
    "no_source": 0,
}


def test_counts_on_the_seeded_content(db):
    rows = content_report(ON)
    assert (len(rows), flag_counts(rows)) == (SEEDED_ROWS, SEEDED_COUNTS)


def test_no_seeded_placeholders_remain(db):
    # Migration 0011 removed the two example mail rules (Shanghai, Shenzhen).
    assert report.select(content_report(ON), Flag.PLACEHOLDER) == []


def test_a_year_on_every_seeded_fact_is_due_for_a_check(db):
    rows = content_report(ON + datetime.timedelta(days=400))
    assert flag_counts(rows)["not_checked_for_a_year"] == len(rows)
