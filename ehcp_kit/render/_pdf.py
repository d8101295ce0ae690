"""PDF documents, laid out by WeasyPrint from the HTML page.

The PDF is made from exactly the HTML the batch writes, using its print styles, so the
two never say different things. It is tagged PDF/UA-1: a structure tree that screen
readers follow, the document's title and language, and every font embedded (only the
glyphs used), so names in any script print the same everywhere.

WeasyPrint is imported only when a PDF is made; without it a clear error names the
extra to install.
"""

from __future__ import annotations

import logging

from ..errors import MissingDependencyError

__all__ = ["PDF_VARIANT", "pdf_bytes", "prepare"]

logger = logging.getLogger("ehcp_kit")

PDF_VARIANT = "pdf/ua-1"


def pdf_bytes(html: str) -> bytes:
    """The PDF of a page of HTML that loads nothing from elsewhere.

    ``html`` must carry its ``<title>`` and ``lang``: PDF/UA needs both, and they
    become the PDF's title and language.
    """
    try:
        import weasyprint
    except ImportError as error:
        raise MissingDependencyError(
            "PDF documents need WeasyPrint and its system libraries: "
            "pip install 'ehcp-kit[pdf]' (and see scripts/setup.sh for the Debian packages)"
        ) from error

    # The page holds its images as data URIs; anything else it names is never fetched.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def prepare() -> None:
    """Load WeasyPrint and its fonts ahead of any document, with a page of one word.

    A batch's kernel zygote calls this, so every kernel forked from it starts with
    WeasyPrint loaded (most of a second) instead of loading it for its one child.
    """
    pdf_bytes('<html lang="en"><head><title>Ready</title></head><body><p>Ready</p></body>'
              "</html>")
