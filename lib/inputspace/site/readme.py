"""The README cut into sections by heading, so that site pages can take a section by its title.

The README is rewritten by hand from time to time: a page asks for a section by a few candidate
titles (:func:`find_section`) and falls back to something sensible when none is there, instead of
failing the build or showing a stale copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    """One heading of a markdown text and everything under it, its sub-sections included."""

    level: int
    title: str
    body: str  # the markdown below the heading line, up to the next heading of the same or a higher level
    start: int  # line number of the heading
    end: int  # line number after the section's last line


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(line number, level, title) of every ATX heading outside fenced code blocks."""
    out, fence = [], ""
    for i, line in enumerate(text.splitlines()):
        m = _FENCE.match(line)
        if m:
            mark = m.group(2)
            if not fence:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = ""
            continue
        if not fence and (h := _HEADING.match(line)):
            out.append((i, len(h.group(1)), h.group(2)))
    return out


def readme_sections(text: str) -> list[Section]:
    """Every section of ``text`` in order (nested ones too: a ``###`` is also inside its ``##``)."""
    lines = text.splitlines()
    heads = _headings(text)
    sections = []
    for k, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[k + 1 :] if lv <= level), len(lines))
        sections.append(Section(level, title, "\n".join(lines[i + 1 : end]).strip("\n"), i, end))
    return sections


def preamble(text: str) -> str:
    """What comes before the first heading below the title (the README's opening: what this is)."""
    heads = [(i, lv) for i, lv, _ in _headings(text)]
    lines = text.splitlines()
    first = next((i for i, lv in heads if lv == 1), None)
    begin = 0 if first is None else first + 1
    end = next((i for i, lv in heads if i >= begin and lv > 1), len(lines))
    return "\n".join(lines[begin:end]).strip("\n")


def title_of(text: str) -> str | None:
    """The first level-1 heading's text, if there is one."""
    return next((t for _, lv, t in _headings(text) if lv == 1), None)


def normalized_title(title: str) -> str:
    """A heading's words for matching: lower case, no markup or punctuation, single spaces."""
    return " ".join(re.sub(r"[^\w\s-]", " ", title.replace("`", "").lower()).split())


def find_section(sections: list[Section], *candidates: str) -> Section | None:
    """The first section whose title starts with one of ``candidates`` (tried in order, after
    :func:`normalized`), else the first whose title contains one; None when none matches."""
    wanted = [normalized_title(c) for c in candidates]
    for test in (str.startswith, str.__contains__):
        for w in wanted:
            hit = next((s for s in sections if test(normalized_title(s.title), w)), None)
            if hit is not None:
                return hit
    return None


def sections_matching(sections: list[Section], *keywords: str) -> list[Section]:
    """The outermost sections whose titles contain one of ``keywords`` (normalized), in text
    order: a matching section inside one already taken is not repeated."""
    words = [normalized_title(k) for k in keywords]
    taken: list[Section] = []
    for s in sections:
        if not any(w in normalized_title(s.title) for w in words):
            continue
        if not any(t.start < s.start < t.end for t in taken):
            taken.append(s)
    return taken


def relevel(markdown: str, shift: int) -> str:
    """``markdown`` with every heading outside code blocks moved ``shift`` levels (negative: up),
    kept within 1…6, so a README ``###`` can open a page or sit under a page's ``##``."""
    heads = {i for i, _, _ in _headings(markdown)}
    out = []
    for i, line in enumerate(markdown.splitlines()):
        if i in heads:
            m = _HEADING.match(line)
            level = min(6, max(1, len(m.group(1)) + shift))
            line = "#" * level + " " + m.group(2)
        out.append(line)
    return "\n".join(out)


def as_page(section: Section, level: int = 1) -> str:
    """A section as markdown whose own heading is at ``level`` (its sub-headings follow)."""
    return relevel(
        f"{'#' * section.level} {section.title}\n\n{section.body}", level - section.level
    )
