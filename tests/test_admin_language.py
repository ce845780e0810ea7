"""The admin and the desk speak Chinese whatever language the browser prefers."""
import gettext
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.mark.django_db
def test_procedure_list_is_in_chinese_for_an_english_browser(admin_client):
    page = admin_client.get(reverse("admin:procedures_procedure_changelist"), **ENGLISH).content.decode()

    assert "选择 办理流程 来修改" in page
    assert "Select" not in page
    assert '<html lang="zh-hans"' in page


@pytest.mark.django_db
def test_admin_index_names_the_lockout_app_and_its_models_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index"), **ENGLISH).content.decode()

    assert "登录失败与锁定" in page
    assert "登录尝试" in page and "登录记录" in page and "登录失败" in page
    for english in ("Axes", "Access attempts", "Access logs", "Access failures", "Site administration"):
        assert english not in page
    # The header and the title name the product, not the framework.
    assert "身份证办理指南 · 内容管理" in page and "<title>办理流程、地方规定和受理点 | 内容管理</title>" in page
    assert "Django" not in page


@pytest.mark.django_db
def test_lockout_list_and_its_columns_are_in_chinese(admin_client):
    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="test", http_accept="*/*", path_info="/admin/login/",
        get_data="", post_data="", failures_since_start=2)
    page = admin_client.get(reverse("admin:axes_accessattempt_changelist"), **ENGLISH).content.decode()

    for chinese in ("登录尝试", "IP 地址", "用户名", "失败次数", "尝试时间", "清除已过期的登录尝试"):
        assert chinese in page, chinese
    for english in ("IP Address", "Failed Logins", "Attempt Time", "Clean up expired attempts"):
        assert english not in page, english


@pytest.mark.django_db
def test_desk_sign_in_is_in_chinese_for_an_english_browser(client):
    page = client.get(reverse("staff:login"), **ENGLISH).content.decode()

    assert "登录" in page
    assert "Password" not in page and "Username" not in page


def test_the_project_catalogue_is_compiled():
    """The .mo beside locale/zh_Hans/LC_MESSAGES/django.po holds every entry of the .po, as the .po says."""
    folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
    entries = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', (folder / "django.po").read_text("utf-8"), re.M))
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert len(entries) > 20
    assert {msgid: compiled.gettext(msgid) for msgid in entries} == entries
    with translation.override("zh-hans"):
        assert translation.gettext("access attempts") == "登录尝试"
