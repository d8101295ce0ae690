"""The Word document of one child's outcomes section, from a docxtpl template.

docxtpl (and python-docx, lxml under it) is imported only when a Word document is
made, so that showing a plan in a notebook does not pay for it.
"""

from __future__ import annotations

import io
import os
from importlib import resources
from pathlib import Path

from ..plan import Plan
from ._context import plan_context

__all__ = ["DEFAULT_TEMPLATE", "docx_bytes"]

DEFAULT_TEMPLATE = "outcomes.docx"


def docx_bytes(plan: Plan, template: str | os.PathLike[str] | None = None) -> bytes:
    """The Word document of ``plan``, rendered from ``template`` (default: the bundled one).

    Values are escaped as they go in (docxtpl's autoescaping), so ``&``, ``<`` and quotes
    in a plan come out literally; a newline in free text becomes a line break.
    """
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined

    if template is None:
        source = resources.files("ehcp_kit").joinpath("templates", DEFAULT_TEMPLATE)
        document = DocxTemplate(io.BytesIO(source.read_bytes()))
    else:
        path = Path(template)
        if not path.is_file():
            raise FileNotFoundError(f"Word template {str(path)!r} does not exist")
        document = DocxTemplate(path)

    # A misspelt variable in an authority's template fails loudly instead of leaving a
    # blank in a legal document.
    environment = Environment(undefined=StrictUndefined)
    # XXX: docxtpl turns a literal "{_{" in a value into "{{" after rendering; no plan
    # text is expected to hold it, so it is left alone.
    document.render(plan_context(plan), jinja_env=environment, autoescape=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
