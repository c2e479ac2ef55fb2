"""Architecture rules from STYLE.md, checked on every run."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _venv_tool(name: str) -> str:
    """Run one of the environment's checking tools at the repository root; its output."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / name)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_engine_imports_nothing_from_django_or_the_apps() -> None:
    assert "KEPT" in _venv_tool("lint-imports")


def test_engine_and_services_pass_strict_type_checking() -> None:
    # STYLE.md: mypy --strict on the engine and every app's services.py (settings in pyproject.toml)
    assert "Success: no issues found" in _venv_tool("mypy")


@pytest.mark.parametrize("path", sorted((ROOT / "bearing" / "templates").rglob("*.html")), ids=str)
def test_templates_reference_no_outside_asset(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for marker in ("http://", "https://", "//cdn", "unpkg", "jsdelivr", "googleapis"):
        for line in text.splitlines():
            if marker in line and ("src=" in line or "href=" in line):
                pytest.fail(f"{path.name} loads an outside asset: {line.strip()}")
