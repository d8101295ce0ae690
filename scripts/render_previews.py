"""Write the handbook's pictures of the documents: the first page of each format.

One example child (``examples/plans/names-in-many-scripts.yaml``, a draft, with names
in Polish, Chinese and Arabic script) in the example authority's branding, with the
quality appendix switched on, as every format ehcp-kit writes. Each picture is the
first page (or, for a web page, the first screen) at 80 dots per inch::

    .venv/bin/python scripts/render_previews.py [OUTPUT_FOLDER]   # default: docs/images

- PDFs are drawn with poppler's ``pdftoppm``;
- web pages are screenshots from Debian's Chromium, driven by Playwright with the
  same flags as the tests' browser (``tests/conftest.py``);
- the Word document is converted to PDF by LibreOffice (``soffice --headless``), the
  nearest thing to Word on Debian, then drawn like the PDFs. LibreOffice is needed for
  this picture only, never by the tests: ``EHCP_KIT_PREVIEWS=1 bash scripts/setup.sh``
  installs it. Without it the Word picture is skipped, and the script says so.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE = REPOSITORY / "examples" / "plans" / "names-in-many-scripts.yaml"
BRANDING = REPOSITORY / "examples" / "branding" / "northbrook.toml"
DEFAULT_OUTPUT = REPOSITORY / "docs" / "images"
DPI = 80
# A4 at 80 dpi is 661 by 935 pixels; a screen of the same width shows as much.
SCREEN = {"width": 1100, "height": 780}


def main(argv: list[str]) -> int:
    """Write every picture into the folder given (default: docs/images)."""
    from ehcp_kit.loaders import load_plan
    from ehcp_kit.render import write_documents

    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.mkdir(parents=True, exist_ok=True)
    plan = load_plan(EXAMPLE)

    with tempfile.TemporaryDirectory(prefix="ehcp-kit-previews-") as scratch:
        folder = Path(scratch)
        written = write_documents(
            plan, folder, ["docx", "html", "pdf", "my-outcomes-pdf", "my-outcomes-html"],
            branding=BRANDING, appendix=True,
        )
        pictures = {
            "plan-pdf.png": first_page(written["pdf"], folder / "plan-pdf"),
            "my-outcomes-pdf.png": first_page(written["my-outcomes-pdf"],
                                              folder / "my-outcomes-pdf"),
        }
        pictures.update(screenshots({"plan-html.png": written["html"],
                                     "my-outcomes-html.png": written["my-outcomes-html"]},
                                    folder))
        word = word_as_pdf(written["docx"], folder)
        if word is None:
            print("skipped plan-docx.png: LibreOffice (soffice) is not installed; "
                  "EHCP_KIT_PREVIEWS=1 bash scripts/setup.sh installs it", file=sys.stderr)
        else:
            pictures["plan-docx.png"] = first_page(word, folder / "plan-docx")

        for name, picture in sorted(pictures.items()):
            shutil.copyfile(picture, output / name)
            print(f"wrote {output / name}")
    return 0


def first_page(pdf: Path, prefix: Path) -> Path:
    """The first page of ``pdf`` as ``prefix``.png, at :data:`DPI`."""
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(prefix)], check=True)
    return prefix.with_suffix(".png")


def screenshots(pages: dict[str, Path], folder: Path) -> dict[str, Path]:
    """The first screen of each web page, from headless Chromium."""
    from playwright.sync_api import sync_playwright

    flags = _browser_flags()
    taken: dict[str, Path] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(flags.CHROMIUM),
                                             args=flags.CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(locale="en-GB", viewport=SCREEN)
            page = context.new_page()
            for name, path in pages.items():
                page.goto(path.as_uri())
                taken[name] = folder / name
                page.screenshot(path=str(taken[name]))
            context.close()
        finally:
            browser.close()
    return taken


def _browser_flags():
    """The tests' Chromium path and flags, so the pictures show what the tests open."""
    spec = importlib.util.spec_from_file_location("ehcp_kit_test_browser",
                                                  REPOSITORY / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def word_as_pdf(docx: Path, folder: Path) -> Path | None:
    """The Word document laid out by LibreOffice, or ``None`` without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    # A profile of its own, so a LibreOffice the user has open is left alone.
    profile = (folder / "libreoffice-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder / "word"), str(docx)],
                   check=True, capture_output=True, timeout=180)
    return folder / "word" / f"{docx.stem}.pdf"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
