"""HTML -> PDF for the published IT Strategy with WeasyPrint: system fonts (DejaVu), and no
resource loaded from anywhere but data: URLs and files inside the project directory.

Imported on demand by the PDF view, so WeasyPrint loads only when a PDF is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML, URLFetcher

__all__ = ["LocalURLFetcher", "render_pdf"]


class LocalURLFetcher(URLFetcher):
    """Refuses every URL except data: and file: URLs under `root`."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"Refusing a file outside the project: {url}")
        elif not url.startswith("data:"):
            raise ValueError(f"Refusing a non-local resource: {url}")
        return super().fetch(url, headers)


def _root() -> Path:
    return Path(getattr(settings, "PACKAGE_DIR", Path(__file__).resolve().parent.parent))


def render_pdf(html: str) -> bytes:
    """PDF bytes of `html`; relative URLs resolve inside the package directory."""
    root = _root()
    return HTML(string=html, base_url=str(root), url_fetcher=LocalURLFetcher(root)).write_pdf()
