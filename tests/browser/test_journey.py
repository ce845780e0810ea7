"""The whole journey, from the start page to a plan, by clicking and typing only."""
import pytest

from .pages import answer_from_birth_date, answer_up_to_birth_date, assert_fits_width, make_plan, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("device", ["phone", "desktop", "nojs"])
def test_journey_from_start_to_plan(open_page, device):
    page = open_page(device)

    answer_up_to_birth_date(page, shots=True)
    answer_from_birth_date(page, shots=True)
    save_screenshot(page, f"summary-{device}")
    code = make_plan(page)

    assert page.get_by_text(code).first.is_visible()
    fee = page.get_by_role("region", name="费用")
    assert "20 元" in fee.inner_text()
    assert_fits_width(page)
    save_screenshot(page, f"plan-{device}")
