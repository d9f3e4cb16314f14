"""The README stays a front door: short, linking every page in docs/, with no broken link."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_CHARS = 8_000

# [text](target) in Markdown; the target up to a space or the closing parenthesis
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")


def _relative_links(page: Path) -> list[str]:
    """Targets of the page's links that point into the repository (no scheme, no bare anchor)."""
    targets = LINK.findall(page.read_text(encoding="utf-8"))
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def test_the_readme_is_short():
    size = len(README.read_text(encoding="utf-8"))
    assert size < README_MAX_CHARS, f"README.md has {size} characters"


def test_the_readme_links_every_docs_page():
    linked = {(README.parent / t.split("#")[0]).resolve() for t in _relative_links(README)}
    pages = {p.resolve() for p in DOCS.glob("*.md")}
    assert pages, "docs/ has no pages"
    missing = sorted(str(p.relative_to(ROOT)) for p in pages - linked)
    assert missing == [], f"not linked from README.md: {missing}"


def test_relative_links_point_to_files_that_exist():
    broken = [
        f"{page.relative_to(ROOT)} -> {target}"
        for page in _pages()
        for target in _relative_links(page)
        if not (page.parent / target.split("#")[0]).exists()
    ]
    assert broken == []


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors of the page's headings: lower case, punctuation dropped, spaces to -."""
    headings = re.findall(r"^#+ +(.+?) *$", page.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_anchors_of_relative_links_exist():
    broken = []
    for page in _pages():
        for target in _relative_links(page):
            path, _, anchor = target.partition("#")
            linked = page.parent / path
            if anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_link_finder_sees_relative_links_and_anchors(tmp_path):
    page = tmp_path / "probe.md"
    page.write_text(
        "# Sources and ingestion\n## What's new?\n"
        "[a](api.md#x) [b](https://example.org/) [c](#here) [d](../README.md)"
    )
    assert _relative_links(page) == ["api.md#x", "../README.md"]
    assert _anchors(page) == {"sources-and-ingestion", "whats-new"}
