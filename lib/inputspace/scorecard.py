"""The scorecard a reader takes in at a glance: ``figures/claims.md`` and ``figures/claims.json``.

``make figures`` aggregates every notebook's claims record (:mod:`inputspace.claims`) into
:func:`write_scorecard`'s two files. The markdown opens with the headline totals, counted over the
papers' own claims only (kind ``paper``, :mod:`inputspace.verdicts`; the other kinds are counted
separately), a legend of the kinds and of the certainty labels, and a digest per paper: which
claims reproduce, which do not (each with its cause), which could not be evaluated. The tables
follow, one per paper in the notebooks' order, then the real ImageNet network's rows, which are
never added to the totals above them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .cache import atomic_write_bytes
from .claims import PAPERS, Claim, current_claims, digits_rows, network_rows
from .verdicts import CAUSES, KIND_LABELS

CERTAINTY_LEGEND = (
    "**clear**: the verdict is the same at both ends of the 95 % bootstrap interval of its statistic; "
    "**marginal**: the interval contains the threshold, so the verdict may flip with other items; "
    "**single example**: one pair or path, no interval; **too few items**: fewer than 5 items, no interval."
)


def totals(claims: list[Claim]) -> dict[str, int]:
    return {v: sum(c.verdict == v for c in claims) for v in ("PASS", "FAIL", "N/A")}


def totals_text(claims: list[Claim]) -> str:
    """``P pass, F fail, N not evaluated``; once claims carry certainty labels,
    ``P pass (a clear, b marginal), F fail (c clear, d marginal), N not evaluated`` (claims without
    an interval are counted as such)."""
    t = totals(claims)
    if all(c.evidence is None for c in claims):
        return f"{t['PASS']} pass, {t['FAIL']} fail, {t['N/A']} not evaluated"

    def split(verdict: str) -> str:
        rows = [c for c in claims if c.verdict == verdict]
        clear = sum(c.certainty == "clear" for c in rows)
        marginal = sum(c.certainty == "marginal" for c in rows)
        rest = len(rows) - clear - marginal
        return f"{clear} clear, {marginal} marginal" + (
            f", {rest} without an interval" if rest else ""
        )

    return f"{t['PASS']} pass ({split('PASS')}), {t['FAIL']} fail ({split('FAIL')}), {t['N/A']} not evaluated"


def paper_claims(claims: list[Claim]) -> list[Claim]:
    """The rows of kind ``paper``: what the headline totals count."""
    return [c for c in claims if c.kind == "paper"]


def scored_rows(rows: list[Claim], key: str) -> list[Claim]:
    """The rows a paper's digest counts: its own claims (kind ``paper``), or for the cross-study
    (``key == "px"``) its hypotheses."""
    return [c for c in rows if c.kind == ("hypothesis" if key == "px" else "paper")]


def other_kinds_text(claims: list[Claim]) -> str:
    """``K kind: P pass, F fail, N n/a; …`` for every kind other than ``paper``."""
    parts = []
    for kind, label in KIND_LABELS.items():
        rows = [c for c in claims if c.kind == kind]
        if kind != "paper" and rows:
            t = totals(rows)
            parts.append(f"{len(rows)} {label}: {t['PASS']} pass, {t['FAIL']} fail, {t['N/A']} n/a")
    return "; ".join(parts)


def failure_causes(claims: list[Claim]) -> Counter:
    """How many failing rows each cause explains (``unexplained`` for a FAIL without a reason)."""
    return Counter(
        (c.reason[0] if c.reason else "unexplained") for c in claims if c.passed is False
    )


def causes_text(claims: list[Claim]) -> str:
    """``N scale/data, M model, …`` over the failing rows (every cause of :data:`~inputspace.verdicts.CAUSES`)."""
    counts = failure_causes(claims)
    order = (*CAUSES, "unexplained")
    return ", ".join(f"{counts[c]} {c}" for c in order if counts[c] or c in CAUSES)


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _interval(c: Claim) -> str:
    """`` [95 % CI lo–hi, n items]`` after the measured value of a claim with an interval."""
    e = c.evidence
    if not e:
        return ""
    if e["interval"] is None:
        return f" [n = {e['n_items']}]"
    lo, hi = e["interval"]
    return f" [95 % CI {lo:.3g}–{hi:.3g}, n = {e['n_items']}]"


def _why(c: Claim) -> str:
    """The last column: the cause of a failure and its clause, then the row's own note."""
    why = f"**{c.reason[0]}**: {c.reason[1]}" if c.reason else ""
    return "; ".join(filter(None, (why, c.note)))


def digest(claims: list[Claim]) -> list[str]:
    """Per paper, the papers' own claims in three lists: reproduced, not reproduced (each with its
    cause), not evaluated (each with why)."""
    lines = []
    for key, title in PAPERS.items():
        rows = [c for c in claims if c.notebook_id.startswith(key + "-")]
        paper = scored_rows(rows, key)
        if not paper:
            continue
        ok = [c.name for c in paper if c.passed]
        bad = [
            f"{c.name} ({c.reason[0] + ': ' + c.reason[1] if c.reason else 'no reason written'})"
            for c in paper
            if c.passed is False
        ]
        na = [f"{c.name} ({c.note or 'not evaluated'})" for c in paper if c.passed is None]
        lines += [f"**{title}.** {len(ok)} of {len(paper)} hold: {', '.join(ok) or '—'}.", ""]
        if bad:
            lines += [f"Not reproduced ({len(bad)}): " + "; ".join(bad) + ".", ""]
        if na:
            lines += [f"Not evaluated ({len(na)}): " + "; ".join(na) + ".", ""]
    return lines


def _paper_tables(claims: list[Claim], heading: str) -> list[str]:
    """One markdown table per paper (``heading`` before each paper's title)."""
    lines = []
    for key, title in PAPERS.items():
        rows = [c for c in claims if c.notebook_id.startswith(key + "-")]
        if not rows:
            continue
        tp = totals(paper_claims(rows) or rows)
        lines += [
            f"{heading} {title}",
            "",
            f"paper claims: {tp['PASS']} pass, {tp['FAIL']} fail, {tp['N/A']} n/a"
            + (f"; {other_kinds_text(rows)}" if other_kinds_text(rows) else ""),
            "",
            "| claim | notebook | kind | statement | paper | measured | verdict | why / note |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {c.name} | {c.notebook_id} | {c.kind} | {_md_cell(c.statement)} | {_md_cell(c.paper_value)} "
            f"| {_md_cell(c.measured)}{_interval(c)} | **{c.labelled_verdict}** | {_md_cell(_why(c))} |"
            for c in rows
        ]
        lines.append("")
    return lines


def to_markdown(claims: list[Claim], profile: str) -> str:
    """The scorecard as markdown (module doc)."""
    standin = {c.standin for c in claims}
    if len(standin) > 1:
        raise ValueError("stand-in claims (make paper-check) and real claims are never aggregated")
    title = f"# Claims scorecard ({profile} profile)"
    if True in standin:
        title += (
            " — STAND-IN data and random weights (make paper-check): these verdicts test the code path, "
            "not the papers"
        )
    own, real = digits_rows(claims), network_rows(claims)
    lines = [
        title,
        "",
        f"**Paper claims: {totals_text(paper_claims(own))}** (of {len(paper_claims(own))}). "
        f"Other rows: {other_kinds_text(own) or 'none'}. Failures by cause (every kind): {causes_text(own)}. "
        "Generated by `make figures`; do not edit.",
        "",
        "*Kinds:* "
        + "; ".join(f"**{k}** = {v}" for k, v in KIND_LABELS.items())
        + ". *Certainty:* "
        + CERTAINTY_LEGEND
        + " Claim names are readable; `claims.json` keeps each row's historical id.",
        "",
        "## Digest",
        "",
        *digest(own),
    ]
    lines += _paper_tables(own, "##")
    if real:
        networks = sorted({c.network for c in real})
        lines += [
            "## A real ImageNet network",
            "",
            f"**Paper claims: {totals_text(paper_claims(real))}**; other rows: {other_kinds_text(real) or 'none'} "
            f"(on {'; '.join(networks)}). Each row is the claim of the same name without `-real`, measured "
            "on the pretrained network and the bundled photos; never added to the totals above.",
            "",
            *digest(real),
        ]
        lines += _paper_tables(real, "###")
    return "\n".join(lines)


def write_scorecard(
    profile: str, out_dir: Path, notebook_ids: list[str] | None = None
) -> dict[str, int]:
    """Write ``claims.md`` and ``claims.json`` into ``out_dir`` from :func:`inputspace.claims.current_claims`;
    returns the totals of the papers' claims on the profile's own models."""
    claims = current_claims(profile, out_dir, notebook_ids)
    atomic_write_bytes(out_dir / "claims.md", to_markdown(claims, profile).encode())
    own, real = digits_rows(claims), network_rows(claims)
    payload = {
        "profile": profile,
        "totals": totals(paper_claims(own)),
        "totals_all_kinds": totals(own),
        "totals_real_network": totals(paper_claims(real)),
        "failure_causes": dict(failure_causes(own)),
        "claims": [c.as_dict() for c in claims],
    }
    atomic_write_bytes(out_dir / "claims.json", json.dumps(payload, indent=1).encode())
    return totals(paper_claims(own))


def seeds_markdown(by_seed: Mapping[int, list[Claim]]) -> str:
    """``figures/claims-seeds.md``: per claim, the verdict and measured value under each model seed
    (the quick zoo retrained with another seed, same recipe), and whether the verdict flips."""
    seeds = sorted(by_seed)
    index = {s: {(c.notebook_id, c.claim_id): c for c in by_seed[s]} for s in seeds}
    keys = sorted({k for s in seeds for k in index[s]})
    flips = [k for k in keys if len({index[s][k].verdict for s in seeds if k in index[s]}) > 1]
    lines = [
        "# Claims under other trained models (quick profile)",
        "",
        f"Model seeds {', '.join(map(str, seeds))}; {len(flips)} of {len(keys)} claims change verdict "
        "between seeds. Generated by `python -m inputspace.run compare`; do not edit.",
        "",
        "| notebook | claim | " + " | ".join(f"seed {s}" for s in seeds) + " | flips |",
        "|---|---|" + "---|" * len(seeds) + "---|",
    ]
    for k in keys:
        cells = [
            f"**{index[s][k].labelled_verdict}** {_md_cell(index[s][k].measured)}"
            if k in index[s]
            else "—"
            for s in seeds
        ]
        lines.append(
            f"| {k[0]} | {k[1]} | " + " | ".join(cells) + f" | {'yes' if k in flips else ''} |"
        )
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ a notebook's "What this shows"
def _row_sentence(c: Claim) -> str:
    """One claim as a bullet: its name and statement, the paper's value, the measured value and the
    verdict (with its certainty), and for a failure the recorded cause."""
    certainty = f", {c.certainty}" if c.certainty else ""
    line = (
        f"- **{c.name}**: {c.statement.rstrip('.')}. Paper: {c.paper_value}. Here: {c.measured} "
        f"→ **{c.verdict}**{certainty}."
    )
    if c.passed is None and c.note:
        line += f" ({c.note})"
    if c.reason:
        line += f" Why it fails: {c.reason[0]}, {c.reason[1]}."
    return line


def shows_markdown(claims: list[Claim]) -> str:
    """The measured half of a notebook's closing "What this shows" section, from the claims it
    recorded in this run (never typed-in numbers): how many of the paper's claims reproduce here,
    each row with the paper's value beside ours, then the other kinds (controls, corrected readings,
    hypotheses, our own checks) and the real network's rows, each group on its own."""
    if not claims:
        return "This notebook records no claims: it shows the setup that the figure notebooks use."
    groups: list[tuple[str, list[Claim]]] = []
    digits = [c for c in claims if not c.network]
    for kind, label in KIND_LABELS.items():
        rows = [c for c in digits if c.kind == kind]
        if rows:
            t = totals(rows)
            head = (
                "The paper's claims checked here" if kind == "paper" else f"Rows of kind *{label}*"
            )
            groups.append(
                (f"{head}: {t['PASS']} pass, {t['FAIL']} fail, {t['N/A']} not evaluated.", rows)
            )
    real = [c for c in claims if c.network]
    if real:
        t = totals(real)
        groups.append(
            (
                f"On a real ImageNet network ({real[0].network}), kept out of the totals: "
                f"{t['PASS']} pass, {t['FAIL']} fail, {t['N/A']} not evaluated.",
                real,
            )
        )
    return "\n\n".join(
        head + "\n\n" + "\n".join(_row_sentence(c) for c in rows) for head, rows in groups
    )


# ------------------------------------------------------------------ the README's results at a glance
MODEL_TOKEN = re.compile(r"-(resnet\d+|vit_tiny|densenet\d+|vgg\d+_bn)-")
"""The model part of a per-model claim name (``P3-pgd-acc-resnet18-paper``), folded by
:func:`fold_models`."""


def fold_models(names: list[str]) -> list[str]:
    """Names that differ only in their model, written once with the models in braces
    (``P3-pgd-acc-{resnet18, resnet50}-paper``), in the order of their first appearance."""
    groups: dict[str, list[str]] = {}
    for name in names:
        m = MODEL_TOKEN.search(name)
        key = MODEL_TOKEN.sub("-{}-", name, count=1) if m else name
        groups.setdefault(key, []).append(m.group(1) if m else "")
    return [
        key.replace("{}", "{" + ", ".join(models) + "}")
        if len(models) > 1
        else key.replace("{}", models[0])
        for key, models in groups.items()
    ]


def _glance_paper(rows: list[Claim], key: str) -> str:
    """One bullet for a paper: how many of its claims hold, and the failing ones grouped by
    cause (names that differ only in their model written once, :func:`fold_models`)."""
    paper = scored_rows(rows, key)
    what = "hypotheses" if key == "px" else "paper claims"
    t = totals(paper)
    line = f"- **{key.upper()}**: {t['PASS']} of {len(paper)} {what} hold"
    line += f", {t['N/A']} not evaluated" if t["N/A"] else ""
    by_cause: dict[str, list[str]] = {}
    for c in paper:
        if c.passed is False:
            by_cause.setdefault(c.reason[0] if c.reason else "unexplained", []).append(c.name)
    if not by_cause:
        return line + "."
    parts = [f"{cause}: {', '.join(fold_models(names))}" for cause, names in by_cause.items()]
    return line + f"; {t['FAIL']} not reproduced ({'; '.join(parts)})."


def at_a_glance(claims: list[Claim]) -> str:
    """The README's "Results at a glance", rendered from the run's claims (never typed in): the
    headline totals over the papers' claims on the quick models, one line per paper with its
    failures and their causes, then the same per paper on the real ImageNet network (kept out of
    the totals; its measured values are in ``claims.md``)."""
    own, real = digits_rows(claims), network_rows(claims)
    lines = [
        f"**Paper claims on the quick models: {totals_text(paper_claims(own))}** "
        f"(of {len(paper_claims(own))}; every row, with the paper's value beside ours: "
        "[figures/claims.md](figures/claims.md)). Failures of every kind by cause: "
        f"{causes_text(own)}.",
        "",
    ]
    for key in PAPERS:
        rows = [c for c in own if c.notebook_id.startswith(key + "-")]
        if rows:
            lines.append(_glance_paper(rows, key))
    if real:
        networks = "; ".join(
            sorted({c.network.split(";")[0] for c in real})
        )  # the network, not each item set
        t = totals(paper_claims(real))
        lines += [
            "",
            f"**On a real ImageNet network** ({networks}), kept out of the totals: "
            f"{t['PASS']} pass, {t['FAIL']} fail, {t['N/A']} not evaluated:",
            "",
        ]
        for key in (
            PAPERS
        ):  # a sentence per paper; every measured value is in claims.md's real-network view
            rows = [c for c in real if c.notebook_id.startswith(key + "-")]
            if rows:
                lines.append(_glance_paper(rows, key))
        lines += [
            "",
            "Each measured value, beside the paper's: [figures/claims.md](figures/claims.md), section "
            '"A real ImageNet network".',
        ]
    return "\n".join(lines)


def gallery(claims: list[Claim], items: list[tuple[str, str, str, str]]) -> str:
    """The README's gallery, rendered from the run: per paper, a folded table with one row per
    figure notebook (``items``: notebook id, title, notebook path and figure path, relative to the
    README): its thumbnail linked to the notebook and a one-word verdict over the papers' claims it
    records (``reproduces``, ``partly`` or ``fails``, with the count; ``—`` without paper claims),
    and the same on the real ImageNet network where the notebook has a real-network section."""

    def word(rows: list[Claim]) -> str:
        judged = [c for c in rows if c.passed is not None]
        if not judged:
            return "—"
        held = sum(bool(c.passed) for c in judged)
        verdict = "reproduces" if held == len(judged) else "fails" if held == 0 else "partly"
        return f"**{verdict}** ({held}/{len(judged)})"

    blocks = []
    for key, title in PAPERS.items():
        mine = [it for it in items if it[0].startswith(key + "-")]
        if not mine:
            continue
        lines = [
            f"<details><summary><b>{_md_cell(title)}</b>: {len(mine)} figures</summary>",
            "",
            "| figure | notebook | verdict (quick models) | verdict (real network) |",
            "|---|---|---|---|",
        ]
        for nid, name, notebook, figure in mine:
            rows = [c for c in claims if c.notebook_id == nid]
            paper = scored_rows(rows, key)
            own, real = [c for c in paper if not c.network], [c for c in paper if c.network]
            thumb = f'<a href="{notebook}"><img src="{figure}" width="200" alt="{nid}"></a>'
            lines.append(
                f"| {thumb} | [{nid}]({notebook}): {_md_cell(name)} | {word(own)} | {word(real) if real else ''} |"
            )
        blocks.append("\n".join(lines + ["", "</details>"]))
    return "\n\n".join(blocks)
