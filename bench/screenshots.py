"""Screenshots of the main pages for docs/screenshots/, taken in headless Chromium (Debian's
/usr/bin/chromium through Playwright) from a running `bearing demo` server. Starts nothing itself.

    BEARING_DATA_DIR=$(mktemp -d) uv run bearing demo --port 8765 &    # or manage.py demo
    uv run python bench/screenshots.py [--base-url http://127.0.0.1:8765] [--out docs/screenshots]

Pages are found by following the UI's own links (the first demand, session and the plan of the
published IT Strategy), so the script needs no database access. Every request to another host is
blocked and listed at the end; the script exits non-zero if any page failed or reached outside.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("BEARING_CHROMIUM", "/usr/bin/chromium")
USER, PASSWORD = "cio", "bearing-demo"
WIDTH, HEIGHT = 1400, 900


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--full-page", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    base = args.base_url.rstrip("/") + "/"
    host = urlsplit(base).netloc
    blocked: list[str] = []
    problems: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--headless"]
        )
        context = browser.new_context(base_url=base, viewport={"width": WIDTH, "height": HEIGHT})
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(60_000)

        def shoot(name: str, path: str, *, wait_for: str | None = None, wait_gone: str | None = None) -> None:
            response = page.goto(urljoin(base, path.lstrip("/")))
            page.wait_for_load_state("networkidle")
            if wait_for:
                page.locator(wait_for).first.wait_for()
                page.wait_for_load_state("networkidle")
            if wait_gone:  # an htmx placeholder that swaps itself for the content
                page.wait_for_function(f"() => !document.querySelector({wait_gone!r})", timeout=180_000)
                page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status != 200:
                problems.append(f"{name}: HTTP {status} at {path}")
            page.screenshot(path=str(out / f"{name}.png"), full_page=args.full_page)
            print(f"{name}.png  {path}  HTTP {status}")

        def first_href(selector: str) -> str:
            href = page.locator(selector).first.get_attribute("href")
            if not href:
                raise SystemExit(f"no link {selector!r} on {page.url}")
            return href

        shoot("01-login", "/login/")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form", has=page.locator("input[name=password]")).locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")

        shoot("02-home-cio", "/")
        shoot("03-demand-list", "/demands/")
        shoot("04-demand-detail", first_href("main table a[href^='/demands/']"))
        page.goto(urljoin(base, "strategy/sessions/"))
        shoot("05-strategy-session", first_href("main table a[href^='/strategy/sessions/']"))
        shoot("06-capacity", "/capacity/")
        shoot("07-systems", "/capacity/systems/")
        page.goto(urljoin(base, "planning/"))
        scenario = first_href("main table a[href^='/planning/scenarios/']")
        page.goto(urljoin(base, scenario.lstrip("/")))
        roadmap = first_href("a[href*='/roadmap/']")
        shoot("08-roadmap", roadmap, wait_for=".js-plotly-plot, table")
        shoot("09-capacity-heatmap", roadmap.replace("/roadmap/", "/capacity/"), wait_for=".js-plotly-plot, table")
        shoot("10-unscheduled", roadmap.replace("/roadmap/", "/unscheduled/"))
        shoot("11-sufficiency", "/planning/analysis/sufficiency/", wait_gone="[hx-trigger=load]")
        shoot("12-it-strategy", "/strategy-document/")
        browser.close()

    if blocked:
        problems.append(f"requests to other hosts were blocked: {sorted(set(blocked))}")
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
