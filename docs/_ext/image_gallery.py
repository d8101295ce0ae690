"""Pictures that other parts of the project make, shown in the handbook when they exist.

Renderings of the documents a batch writes (first pages of the Word, HTML and PDF
versions, for one example child) are made by the document code's own tooling and saved
as PNG files under ``docs/images/``. The ``image-gallery`` directive shows every PNG
there whose name matches its patterns, with a heading and a caption made from the file
name, and nothing at all when there is none yet::

    ```{image-gallery}
    :title: What the documents look like
    :match: *.png
    :exclude: plan_builder.png
    ```
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def caption_for(name: str) -> str:
    """A readable caption from a file name: "plan-pdf_page-1.png" -> "Plan pdf page 1"."""
    words = Path(name).stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize()


class ImageGallery(SphinxDirective):
    option_spec = {
        "title": directives.unchanged_required,
        "match": directives.unchanged,
        "exclude": directives.unchanged,
        "folder": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        folder_name = self.options.get("folder", "images")
        folder = Path(self.env.srcdir) / folder_name
        patterns = self.options.get("match", "*.png").split()
        excluded = set(self.options.get("exclude", "").split())
        found = sorted(
            path for path in folder.glob("*")
            if path.is_file() and path.name not in excluded
            and any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)
        ) if folder.is_dir() else []
        if not found:
            return []

        result: list[nodes.Node] = [nodes.rubric(text=self.options.get("title", "Pictures"))]
        for path in found:
            self.env.note_dependency(str(path))
            caption = caption_for(path.name)
            figure = nodes.figure()
            figure += nodes.image(uri=f"/{folder_name}/{path.name}", alt=f"Picture: {caption}")
            figure += nodes.caption(text=caption)
            result.append(figure)
        return result


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("image-gallery", ImageGallery)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
