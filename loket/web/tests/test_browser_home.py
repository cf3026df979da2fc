"""The home page in a real browser: Indonesian first, English one click away."""

from typing import Any

import pytest

from loket.core.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_is_indonesian_and_switches_to_english(live_server: Any, browser_page: Any) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    screenshot(page, "home-id")

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()

    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en")
