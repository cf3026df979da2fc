"""The accessibility check of the browser tests bites: axe-core reports a page's violations."""

import os
from typing import Any

import pytest

from loket.core.testing.browser import AXE, assert_accessible

pytestmark = pytest.mark.browser


def test_axe_core_reports_an_image_without_text_and_passes_a_clean_page(chromium: Any) -> None:
    if not AXE.exists() and os.environ.get("LOKET_REQUIRE_BROWSER") != "1":
        pytest.skip("axe-core is not installed (make tools)")  # in CI, assert_accessible fails instead
    context = chromium.new_context()
    page = context.new_page()
    page.set_content('<html lang="id"><head><title>Uji</title></head><body><main><h1>Uji</h1></main></body></html>')
    assert_accessible(page)
    page.set_content(
        '<html lang="id"><head><title>Uji</title></head><body><main><img src="x.png"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
    context.close()
