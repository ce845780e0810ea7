"""The "larger text" switch: a cookie set by a plain link, read by every page."""
import pytest
from django.urls import reverse

from wizard.preferences import TEXT_SIZE_COOKIE

SWITCH = reverse("wizard:text_size")


def test_larger_text_sets_a_lasting_cookie_and_goes_back(client):
    response = client.get(SWITCH, {"size": "large", "next": "/apply/reason/?x=1"})
    assert response.status_code == 302
    assert response["Location"] == "/apply/reason/?x=1"
    cookie = response.cookies[TEXT_SIZE_COOKIE]
    assert cookie.value == "large"
    assert cookie["max-age"] >= 30 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"


def test_normal_text_removes_the_cookie(client):
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    response = client.get(SWITCH, {"size": "normal", "next": "/plan/"})
    assert response["Location"] == "/plan/"
    assert response.cookies[TEXT_SIZE_COOKIE].value == ""
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


@pytest.mark.parametrize("target", [
    pytest.param("https://evil.example/", id="other-host"),
    pytest.param("//evil.example/", id="scheme-relative"),
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param("", id="missing"),
])
def test_only_this_site_is_a_place_to_go_back_to(client, target):
    response = client.get(SWITCH, {"size": "large", "next": target})
    assert response["Location"] == "/"


def test_the_switch_only_answers_get(client):
    assert client.post(SWITCH, {"size": "large"}).status_code == 405


@pytest.mark.django_db
def test_pages_carry_the_choice_and_offer_the_way_back(client):
    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert f'href="{SWITCH}?size=large&amp;next=/"' in page

    client.cookies[TEXT_SIZE_COOKIE] = "large"
    page = client.get("/plan/").content.decode()
    assert '<html lang="zh-Hans" class="text-large">' in page
    assert f'href="{SWITCH}?size=normal&amp;next=/plan/"' in page
    assert "标准字号" in page
