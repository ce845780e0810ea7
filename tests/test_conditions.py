"""The condition language: what it accepts, what it refuses (and how), and what it means."""
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures import conditions
from procedures.conditions import ConditionError, evaluate, validate
from procedures.facts import FACTS, facts_for

D = datetime.date


@pytest.mark.parametrize(
    "condition, facts, expected",
    [
        pytest.param({}, {}, True, id="empty-is-always"),
        pytest.param({"fact": "reason", "op": "eq", "value": "lost"}, {"reason": "lost"}, True, id="eq"),
        pytest.param({"fact": "reason", "op": "ne", "value": "lost"}, {"reason": "lost"}, False, id="ne"),
        pytest.param({"fact": "reason", "op": "in", "value": ["lost", "damaged"]}, {"reason": "damaged"},
                     True, id="in"),
        pytest.param({"fact": "reason", "op": "not_in", "value": ["lost"]}, {"reason": "expired"},
                     True, id="not-in"),
        pytest.param({"fact": "documents", "op": "in", "value": ["old_card"]},
                     {"documents": ["hukou_book", "old_card"]}, True, id="list-fact-holds-one"),
        pytest.param({"fact": "documents", "op": "in", "value": ["old_card"]},
                     {"documents": ["hukou_book"]}, False, id="list-fact-holds-none"),
        pytest.param({"fact": "documents", "op": "not_in", "value": ["residence_permit"]},
                     {"documents": []}, True, id="list-fact-not-in-empty"),
        pytest.param({"fact": "age", "op": "lt", "value": 16}, {"age": 15}, True, id="lt"),
        pytest.param({"fact": "age", "op": "lte", "value": 16}, {"age": 16}, True, id="lte"),
        pytest.param({"fact": "age", "op": "gt", "value": 45}, {"age": 45}, False, id="gt"),
        pytest.param({"fact": "age", "op": "gte", "value": 46}, {"age": 46}, True, id="gte"),
        pytest.param({"fact": "today", "op": "gte", "value": "2024-05-27"}, {"today": D(2024, 5, 27)},
                     True, id="date-gte"),
        pytest.param({"fact": "today", "op": "lt", "value": "2024-05-27"}, {"today": D(2024, 5, 27)},
                     False, id="date-lt"),
        pytest.param({"fact": "needed_by", "op": "is_set"}, {"needed_by": D(2027, 1, 1)}, True, id="is-set"),
        pytest.param({"fact": "needed_by", "op": "is_set"}, {}, False, id="is-set-missing"),
        pytest.param({"fact": "age", "op": "lt", "value": 16}, {}, False, id="missing-ordering-false"),
        pytest.param({"fact": "reason", "op": "eq", "value": "lost"}, {}, False, id="missing-eq-false"),
        pytest.param({"fact": "reason", "op": "ne", "value": "lost"}, {}, True, id="missing-ne-true"),
        pytest.param({"all": [{"fact": "cross_region", "op": "eq", "value": True},
                              {"fact": "reason", "op": "eq", "value": "lost"}]},
                     {"cross_region": True, "reason": "lost"}, True, id="all"),
        pytest.param({"any": [{"fact": "age", "op": "lt", "value": 16},
                              {"fact": "hardship", "op": "eq", "value": True}]},
                     {"age": 30, "hardship": False}, False, id="any"),
        pytest.param({"not": {"fact": "hardship", "op": "eq", "value": True}}, {"hardship": False}, True,
                     id="not"),
    ],
)
def test_evaluate(condition, facts, expected):
    assert evaluate(condition, facts) is expected


@pytest.mark.parametrize(
    "condition, fragment",
    [
        pytest.param({"fact": "colour", "op": "eq", "value": "red"}, "未知的事实“colour”", id="unknown-fact"),
        pytest.param({"fact": "reason", "op": "like", "value": "lo%"}, "未知的运算符“like”", id="unknown-op"),
        pytest.param({"fact": "reason", "op": "eq", "value": "stolen"}, "“stolen”不是事实 reason 的可选值",
                     id="unknown-choice"),
        pytest.param({"fact": "age", "op": "lt", "value": "16"}, "事实 age 是整数", id="int-as-string"),
        pytest.param({"fact": "age", "op": "lt", "value": True}, "事实 age 是整数", id="bool-as-int"),
        pytest.param({"fact": "today", "op": "lt", "value": "2024-02-30"}, "YYYY-MM-DD", id="bad-date"),
        pytest.param({"fact": "reason", "op": "lt", "value": "lost"}, "只能比较数字或日期", id="ordering-on-enum"),
        pytest.param({"fact": "hardship", "op": "eq", "value": "yes"}, "值须为 true 或 false", id="bool"),
        pytest.param({"fact": "reason", "op": "in", "value": []}, "非空列表", id="empty-in"),
        pytest.param({"fact": "reason", "op": "in", "value": "lost"}, "非空列表", id="in-scalar"),
        pytest.param({"fact": "documents", "op": "eq", "value": "old_card"}, "请用 in 或 not_in",
                     id="eq-on-list"),
        pytest.param({"fact": "reason", "op": "eq"}, "需要 value", id="missing-value"),
        pytest.param({"fact": "needed_by", "op": "is_set", "value": True}, "is_set 不带 value",
                     id="is-set-with-value"),
        pytest.param({"fact": "reason", "op": "eq", "value": "lost", "x": 1}, "多余的键", id="extra-key"),
        pytest.param({"all": []}, "非空列表", id="empty-all"),
        pytest.param({"all": [{}], "any": [{}]}, "不能与其他键并列", id="all-and-any"),
        pytest.param({"colour": "red"}, "无法识别的条件", id="unknown-shape"),
        pytest.param([1, 2], "必须是 JSON 对象", id="list"),
        pytest.param("reason == lost", "必须是 JSON 对象", id="python-expression"),
    ],
)
def test_validate_refuses_with_a_message_that_says_which(condition, fragment):
    with pytest.raises(ConditionError) as caught:
        validate(condition)
    assert any(fragment in message for message in caught.value.messages), caught.value.messages


def test_nested_path_is_named_in_the_message():
    condition = {"all": [{"fact": "age", "op": "lt", "value": 16}, {"not": {"fact": "nope", "op": "eq",
                                                                             "value": 1}}]}
    with pytest.raises(ConditionError) as caught:
        validate(condition)
    assert "all[1].not" in caught.value.messages[0]


def test_too_deep_is_refused_not_a_recursion_error():
    condition = {"fact": "age", "op": "lt", "value": 1}
    for _ in range(2000):
        condition = {"not": condition}
    with pytest.raises(ConditionError) as caught:
        validate(condition)
    assert "嵌套超过" in caught.value.messages[0]


def test_timeline_facts_are_unknown_to_transitions_but_known_to_notices():
    condition = {"fact": "needed_before_ready", "op": "eq", "value": True}
    validate(condition, facts_for("notice"))
    with pytest.raises(ConditionError) as caught:
        validate(condition, facts_for("transition"))
    assert "尚不可知" in caught.value.messages[0]


def test_facts_named_lists_every_fact():
    condition = {"any": [{"fact": "age", "op": "lt", "value": 16},
                         {"not": {"all": [{"fact": "reason", "op": "eq", "value": "lost"}]}}]}
    assert conditions.facts_named(condition) == {"age", "reason"}


# --- properties -----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)

fact_names = st.sampled_from(sorted(FACTS)) | st.text(max_size=10)
operators = st.sampled_from(conditions.COMPARISONS) | st.text(max_size=6)
leaf_values = (st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=12)
               | st.sampled_from(["lost", "expired", "old_card", "2024-05-27", "2026-02-30", "440300"])
               | st.lists(st.sampled_from(["lost", "old_card", "mail", 3, None]), max_size=3))


@st.composite
def leaves(draw):
    node = {"fact": draw(fact_names), "op": draw(operators)}
    if draw(st.booleans()):
        node["value"] = draw(leaf_values)
    return node


condition_like = st.recursive(
    leaves() | st.just({}),
    lambda children: (st.builds(lambda items: {"all": items}, st.lists(children, max_size=3))
                      | st.builds(lambda items: {"any": items}, st.lists(children, max_size=3))
                      | st.builds(lambda item: {"not": item}, children)),
    max_leaves=12,
)

fact_values = st.fixed_dictionaries({}, optional={
    "reason": st.sampled_from(["lost", "expired", "first_time"]),
    "age": st.integers(0, 120),
    "today": st.dates(),
    "documents": st.lists(st.sampled_from(["old_card", "hukou_book"]), max_size=2),
    "needed_by": st.dates(),
    "hardship": st.booleans(),
    "cross_region": st.booleans(),
})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_is_accepted_or_refused_with_a_validation_error(value):
    try:
        validate(value)
    except ConditionError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(condition_like, fact_values)
def test_condition_shaped_input_never_fails_any_other_way(condition, facts):
    try:
        check = conditions.compile_condition(condition)
    except ConditionError as error:
        assert error.messages
        return
    assert check(facts) in (True, False)
