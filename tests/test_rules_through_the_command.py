"""Each rule of the correctness issue, once more through the ``plan`` command's JSON (its published
contract), on the seeded content. The engine-level tests are in test_content_rules.py and
test_answer_rules.py; these show that what the command prints holds to the same rules."""

from .test_plan_command import answers, call, codes, plan_of  # noqa: F401 (call is a fixture)

HENAN, SHENZHEN, SHENZHEN_FUTIAN = "410100", "440305", "440303"
GUANGZHOU, NANJING, SHANGHAI = "440106", "320102", "310101"


def run(call, today="2026-11-25", **changes):  # noqa: F811
    return plan_of(call, answers(**changes), today=today)


def texts(data):
    for key in ("warnings", "notices", "urgent_options"):
        for item in data[key]:
            yield item["title"] + item["text"]
    for step in data["steps"]:
        yield step["title"] + step["description"]


def test_r1_validity_by_age_on_the_sign_off_day(call):  # noqa: F811
    data = run(call, today="2026-12-14", reason="expired", card_expiry_date="2026-10-01",
               birth_date="1981-01-02", documents=["old_card"])
    signoff = next(s for s in data["steps"] if s["milestone"] == "issued")
    assert data["new_card_issued_on"] == signoff["latest"] < "2027-01-02" < data["card_ready_by"]
    assert (data["new_card_validity_years"], data["new_card_long_term"]) == (20, False)


def test_r2_a_reissue_never_mentions_a_waiver(call):  # noqa: F811
    data = run(call, reason="lost", hardship=True)
    assert data["fee_yuan"] == 40 and not data["fee"]["waiver"]
    assert not [t for t in texts(data) if "免收" in t or "减收" in t]


def test_r3_inside_a_province_that_takes_any_point_no_residence_proof(call):  # noqa: F811
    data = run(call, reason="expired", hukou_region=GUANGZHOU, card_expiry_date="2026-08-01", documents=["old_card"])
    assert data["outcome"] == "apply_here"
    assert not {"residence_permit", "residence_proof"} & set(codes(data["documents"]))
    assert "province_wide_no_proof" in codes(data["notices"])


def test_r4_the_day_to_go_and_the_card_ready_day_are_open_days(call):  # noqa: F811
    data = run(call, today="2026-10-01", reason="expired", card_expiry_date="2026-08-01", documents=["old_card"])
    assert data["apply_date"] == "2026-10-08"  # National Day week, then the first working day
    assert data["card_ready_by"] != "2027-01-01"


def test_r5_the_delta_temporary_card_says_when_it_comes(call):  # noqa: F811
    data = run(call, hukou_region=NANJING, residence_region=SHANGHAI, needed_by="2026-11-27")
    card = next(o for o in data["urgent_options"] if o["code"] == "temporary_card")
    assert card["ready_by"] > "2026-11-27" and card["late"] is True


def test_r6_a_child_applies_where_they_live_never_as_certain(call):  # noqa: F811
    data = run(call, reason="first_time", birth_date="2015-03-01", documents=["hukou_book"], card_expiry_date=...)
    assert data["outcome"] == "apply_here"
    assert "guardian_proof" in codes(data["documents"])
    assert not [t for t in texts(data) if "16 周岁以上" in t and "才能" in t]


def test_r7_no_identity_document_is_warned_first(call):  # noqa: F811
    data = run(call, reason="lost", documents=[])
    assert data["warnings"][0]["code"] == "no_identity_document"


def test_r8_one_photo_route_in_guangdong(call):  # noqa: F811
    data = run(call, reason="expired", card_expiry_date="2026-08-01", documents=["old_card"])
    assert data["photo_receipt_required"] is True
    receipt = next(s for s in data["steps"] if s["code"] == "get_photo_receipt")
    assert "照相馆" in receipt["where"] and "上传" not in receipt["description"]
    photo = [n["code"] for n in data["notices"] if n["topic"] == "photo"]
    assert photo.index("photo_studio_guangdong") < photo.index("photo_receipt_commercial")
    assert not {"photo_counter", "photo_receipt_optional"} & set(photo)


def test_r9_nothing_single_sourced_is_verified_and_no_internal_notes(call):  # noqa: F811
    data = run(call)
    for key in ("warnings", "notices", "urgent_options", "documents", "steps"):
        for item in data[key]:
            assert "domain.md" not in item["source"] and "待管理员核实" not in item["source"], item["code"]


def test_r10_an_impossible_answer_is_refused_with_a_reason(call):  # noqa: F811
    code, out, err = call(answers(reason="expiring", birth_date="1990-05-01", card_expiry_date="1989-01-01"))
    assert (code, out) == (2, "")
    assert "card_expiry_date" in err


def test_r11_a_reissue_hands_back_no_old_card(call):  # noqa: F811
    data = run(call, reason="lost")
    collect = next(s for s in data["steps"] if s["milestone"] == "collected")
    assert "交回" not in collect["description"]
    assert all("你" not in t for t in texts(data))


def test_r12_network_identity_proxy_collection_and_loss_report_with_sources(call):  # noqa: F811
    lost = {n["code"]: n for n in run(call, reason="lost")["notices"]}
    assert "不会因挂失而失效" in lost["loss_report"]["text"] and lost["loss_report"]["confidence"] == "likely"
    assert lost["proxy_collection_unknown"]["confidence"] == "unknown"
    expiring = {n["code"]: n for n in run(call, reason="expiring", card_expiry_date="2027-01-20",
                                          documents=["old_card"])["notices"]}
    assert "2027年1月20日" in expiring["network_identity"]["text"]
    assert expiring["network_identity"]["source"]
