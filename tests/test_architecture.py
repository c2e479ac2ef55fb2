"""Architecture rules from STYLE.md, checked on every run."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_engine_imports_nothing_from_django_or_the_apps() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


@pytest.mark.parametrize("path", sorted((ROOT / "bearing" / "templates").rglob("*.html")), ids=str)
def test_templates_reference_no_outside_asset(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for marker in ("http://", "https://", "//cdn", "unpkg", "jsdelivr", "googleapis"):
        for line in text.splitlines():
            if marker in line and ("src=" in line or "href=" in line):
                pytest.fail(f"{path.name} loads an outside asset: {line.strip()}")
