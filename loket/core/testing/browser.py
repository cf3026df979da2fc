"""Browser fixtures: Playwright driving Debian's chromium (never a downloaded browser).

Used by the end-to-end tests (marker `browser`). Without /usr/bin/chromium the tests are
skipped on a developer machine; CI sets LOKET_REQUIRE_BROWSER=1 and installs chromium,
so there a missing browser is an error, never a skip.
"""

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("LOKET_CHROMIUM", "/usr/bin/chromium")
# Screenshots are the suite's artefacts: look at them after a run.
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
# axe-core, the accessibility checker, from npm (package.json; `make tools` installs it).
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("LOKET_REQUIRE_BROWSER") == "1":
        pytest.fail(f"chromium is required here (LOKET_REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls that tests
    # make between browser steps are ordinary blocking calls, so Django may allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    """A phone-sized page (390 px wide) in a fresh context, Indonesian locale."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, base_url: str, login: str, password: str) -> None:
    """Log in through the citizen pages' form, as a person would."""
    page.goto(base_url + "/masuk/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk/" not in url)


def new_page(chromium: Any, *, width: int, height: int = 800, scale: float = 1) -> Any:
    """A page in a fresh context of the given CSS-pixel size (scale 2 with half the width: 200 % zoom)."""
    context = chromium.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, locale="id-ID"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def launch_with_camera(chromium: Any, video: Path) -> Any:
    """A second chromium whose camera films `video` (a .y4m file) and is allowed without asking.

    Launched through the running Playwright of the `chromium` fixture; close it after use.
    """
    return chromium.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )


def write_y4m(path: Path, picture: Any, *, frames: int = 10, width: int = 640, height: int = 480) -> Path:
    """A short grey-scale Y4M video of `picture` (a PIL image) centred on white: a fake camera's film."""
    from PIL import Image

    canvas = Image.new("L", (width, height), 255)
    picture = picture.convert("L")
    canvas.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * (width // 2 * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def wait_for_js(page: Any, expression: str, arg: Any = None, timeout: float = 10_000) -> None:
    """Wait until `expression` (or the function `expression` applied to `arg`) is truthy in the page.

    Playwright's wait_for_function evaluates its predicate with eval inside the page, which
    the pages' Content-Security-Policy (script-src 'self', no 'unsafe-eval') forbids; this
    asks through page.evaluate, which the CSP does not govern, every 50 ms.
    """
    import time

    deadline = time.monotonic() + timeout / 1000
    while not (page.evaluate(expression) if arg is None else page.evaluate(expression, arg)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} ms waiting for: {expression}")
        page.wait_for_timeout(50)


def assert_accessible(page: Any) -> None:
    """axe-core (all its rules but the experimental ones) finds no violation on the page as it is now.

    The script is injected with add_script_tag, an inline script that the pages' CSP refuses:
    the page's context must be made with bypass_csp=True. Without node_modules/axe-core the check
    is skipped with a warning on a developer machine and fails where LOKET_REQUIRE_BROWSER=1 (CI).
    """
    if not AXE.exists():
        message = f"axe-core is missing ({AXE}): run `make tools` (npm ci)"
        if os.environ.get("LOKET_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        warnings.warn(message, stacklevel=2)
        return
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
        if not page.evaluate("typeof window.axe === 'object'"):
            pytest.fail("axe-core did not load: create the page's context with bypass_csp=True")
    found = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations.map((v) =>
            [`${v.id} (${v.impact}): ${v.help}`, ...v.nodes.map((n) => n.target.join(" "))]))"""
    )
    report = "\n".join("\n    ".join(lines) for lines in found)
    assert not found, f"axe-core on {page.url}:\n{report}"
