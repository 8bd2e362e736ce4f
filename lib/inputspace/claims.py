"""The claims scorecard: every notebook records its paper's testable claims here.

A notebook's :class:`Scorecard` writes ``build/<profile>/claims/<notebook_id>.json`` after each
record (atomically), starting empty on every run so a rerun never keeps stale verdicts;
``make figures`` aggregates them into ``figures/claims.md`` (a table per paper) and
``figures/claims.json``. A claim that does not reproduce is recorded as failed, with numbers.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import paths
from .cache import atomic_write_bytes
from .certainty import Evidence, verdict_text

PAPERS = {"p1": "P1 — Vrabel et al., Input Space Mode Connectivity in Deep Neural Networks",
          "p2": "P2 — Balasubramanian et al., Exploring Geometry of Blind Spots in Vision Models",
          "p3": "P3 — Lee & Vijayan, Generalization ability and vulnerabilities to adversarial perturbations",
          "px": "Cross-study — the three geometries on the same models (hypotheses stated before the run)"}


@dataclass(frozen=True)
class Claim:
    """One row of the scorecard. ``passed`` is ``None`` when the claim could not be evaluated."""

    notebook_id: str
    claim_id: str
    statement: str
    paper_value: str
    measured: str
    passed: bool | None
    note: str = ""
    standin: bool = False  # computed on stand-in data and random weights (make paper-check)
    evidence: dict | None = None  # statistic, bootstrap interval, items, threshold, certainty label
    network: str = ""  # a real-network section's row: the network and the images (digits rows: "")

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "N/A"}[self.passed]

    @property
    def certainty(self) -> str | None:
        """``clear`` / ``marginal`` / ``single example`` / ``too few items`` (:mod:`inputspace.certainty`),
        or None for a claim recorded without its per-item statistic."""
        return None if self.evidence is None else self.evidence["certainty"]

    @property
    def labelled_verdict(self) -> str:
        """The verdict with its certainty, e.g. ``PASS-marginal`` (:func:`inputspace.certainty.verdict_text`)."""
        return verdict_text(self.verdict, self.certainty)

    def as_dict(self) -> dict:
        """JSON form; a claim without evidence has no ``evidence`` key, a digits row no ``network``
        key (files written before they existed read back the same)."""
        d = asdict(self)
        if d["evidence"] is None:
            del d["evidence"]
        if not d["network"]:
            del d["network"]
        return d


class Scorecard:
    """Claims of one notebook run (``record`` appends and saves) in ``directory``: by default the
    profile's claims folder that the scorecard aggregates; an exploring run's own folder
    (:meth:`inputspace.outputs.RunOutputs.claims_dir`, given by :func:`inputspace.notebook.setup`)."""

    def __init__(self, notebook_id: str, profile: str, directory: Path | None = None) -> None:
        self.notebook_id = notebook_id
        self.profile = profile
        self.claims: list[Claim] = []
        self.path = (paths.claims_dir(profile) if directory is None else Path(directory)) / f"{notebook_id}.json"
        self._save()

    def record(self, claim_id: str, statement: str, paper_value: Any, measured: Any,
               passed: bool | None, note: str = "", evidence: Evidence | None = None,
               network: str = "") -> Claim:
        """Record one claim and save the notebook's scorecard; returns the claim. ``evidence``: the
        per-item statistic the verdict rests on, with its interval and certainty label; its rule
        must give the recorded verdict (a claim whose evidence says otherwise is a bug, not a row).
        ``network``: set on a real-network section's rows (:meth:`section`)."""
        if evidence is not None and passed is not None and evidence.passes is not None \
                and bool(passed) != evidence.passes:
            raise ValueError(f"{self.notebook_id} {claim_id}: verdict {bool(passed)} but its evidence's rule gives "
                             f"{evidence.passes} on the statistic {evidence.statistic:.4g}")
        claim = Claim(self.notebook_id, claim_id, statement, str(paper_value), str(measured),
                      None if passed is None else bool(passed), note, paths.paper_check(),
                      None if evidence is None else evidence.as_dict(), network)
        self.claims = [c for c in self.claims if c.claim_id != claim_id] + [claim]
        self._save()
        return claim

    def _save(self) -> None:
        payload = {"notebook_id": self.notebook_id, "profile": self.profile,
                   "claims": [c.as_dict() for c in self.claims]}
        atomic_write_bytes(self.path, json.dumps(payload, indent=1).encode())

    def table(self, network: str | None = ""):
        """The claims as a pandas DataFrame (for display in the notebook): the digits rows
        (``network=""``), one network's rows, or all (``None``)."""
        return claims_frame([c for c in self.claims if network is None or c.network == network])

    def variant(self, suffix: str, network: str = "", note: str = "") -> Variant:
        """The rows of a variant of this notebook's claims, recorded by the same claims functions:
        another network (the real-network sections: ``network`` labels each row) or a control
        (``note`` says which, appended to each row's note); each claim id gets ``-<suffix>``."""
        return Variant(self, suffix, network, note)


class Variant:
    """A :class:`Scorecard`'s rows of one variant (:meth:`Scorecard.variant`): ``record`` as the
    scorecard's, with the claim id suffixed, the row labelled and noted; ``table`` shows only them."""

    def __init__(self, card: Scorecard, suffix: str, network: str = "", note: str = "") -> None:
        self.card, self.suffix, self.network, self.note = card, suffix, network, note

    def record(self, claim_id: str, statement: str, paper_value: Any, measured: Any, passed: bool | None,
               note: str = "", evidence: Evidence | None = None) -> Claim:
        return self.card.record(f"{claim_id}-{self.suffix}", statement, paper_value, measured, passed,
                                "; ".join(filter(None, (self.note, note))), evidence, network=self.network)

    def table(self):
        suffix = f"-{self.suffix}"
        return claims_frame([c for c in self.card.claims if c.claim_id.endswith(suffix) and c.network == self.network])


def claims_frame(claims: list[Claim]):
    """Claims as the notebooks display them (a pandas DataFrame)."""
    import pandas as pd

    return pd.DataFrame([{"claim": c.claim_id, "statement": c.statement, "paper": c.paper_value,
                          "measured": c.measured, "verdict": c.labelled_verdict} for c in claims])


def _records(profile: str) -> list[dict]:
    """The per-notebook claims records of a profile (each run in this checkout writes one), sorted."""
    return [json.loads(p.read_text()) for p in sorted(paths.claims_dir(profile).glob("*.json"))]


def _claims_of(records: list[dict], notebook_ids: list[str] | None) -> list[Claim]:
    return [Claim(**c) for d in records if notebook_ids is None or d["notebook_id"] in notebook_ids
            for c in d["claims"]]


def load_all(profile: str, notebook_ids: list[str] | None = None) -> list[Claim]:
    """Every recorded claim of a profile (optionally of some notebooks only), sorted."""
    return _claims_of(_records(profile), notebook_ids)


def load_scorecard(path: Path) -> list[Claim]:
    """The claims of an aggregated scorecard file (``figures/claims.json``)."""
    return [Claim(**c) for c in json.loads(Path(path).read_text())["claims"]]


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
        return f"{clear} clear, {marginal} marginal" + (f", {rest} without an interval" if rest else "")
    return f"{t['PASS']} pass ({split('PASS')}), {t['FAIL']} fail ({split('FAIL')}), {t['N/A']} not evaluated"


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def digits_rows(claims: list[Claim]) -> list[Claim]:
    """The rows of the profile's own models (not of a real-network section): the headline totals."""
    return [c for c in claims if not c.network]


def network_rows(claims: list[Claim]) -> list[Claim]:
    """The rows of the real-network sections (never averaged with :func:`digits_rows`)."""
    return [c for c in claims if c.network]


def _paper_tables(claims: list[Claim], heading: str) -> list[str]:
    """One markdown table per paper (``heading`` before each paper's title)."""
    lines = []
    for key, title in PAPERS.items():
        rows = [c for c in claims if c.notebook_id.startswith(key + "-")]
        if not rows:
            continue
        tp = totals(rows)
        lines += [f"{heading} {title}", "", f"{tp['PASS']} pass, {tp['FAIL']} fail, {tp['N/A']} n/a", "",
                  "| notebook | claim | statement | paper | measured | verdict | note |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {c.notebook_id} | {c.claim_id} | {_md_cell(c.statement)} | {_md_cell(c.paper_value)} "
                  f"| {_md_cell(c.measured)}{_interval(c)} | **{c.labelled_verdict}** | {_md_cell(c.note)} |"
                  for c in rows]
        lines.append("")
    return lines


def to_markdown(claims: list[Claim], profile: str) -> str:
    """The scorecard as markdown: the totals of the profile's own models and one table per paper,
    then the real-network view (its own totals; the network and its images named per row)."""
    standin = {c.standin for c in claims}
    if len(standin) > 1:
        raise ValueError("stand-in claims (make paper-check) and real claims are never aggregated")
    title = f"# Claims scorecard ({profile} profile)"
    if True in standin:
        title += " — STAND-IN data and random weights (make paper-check): these verdicts test the code path, not the papers"
    own, real = digits_rows(claims), network_rows(claims)
    lines = [title, "",
             f"**{totals_text(own)}** "
             f"(of {len(own)} claims). Generated by `make figures`; do not edit.", ""]
    lines += _paper_tables(own, "##")
    if real:
        networks = sorted({c.network for c in real})
        lines += ["## A real ImageNet network", "",
                  f"**{totals_text(real)}** (of {len(real)} claims on {'; '.join(networks)}). Each row is the "
                  "same claim as the digits row of the same id without `-real`, measured on the pretrained "
                  "network and the bundled photos; never averaged with the rows above.", ""]
        lines += _paper_tables(real, "###")
    return "\n".join(lines)


def _interval(c: Claim) -> str:
    """`` [95 % CI lo–hi, n items]`` after the measured value of a claim with an interval."""
    e = c.evidence
    if not e:
        return ""
    if e["interval"] is None:
        return f" [n = {e['n_items']}]"
    lo, hi = e["interval"]
    return f" [95 % CI {lo:.3g}–{hi:.3g}, n = {e['n_items']}]"


def current_claims(profile: str, out_dir: Path, notebook_ids: list[str] | None = None) -> list[Claim]:
    """The scorecard's claims: each notebook's from its latest run here (:func:`load_all`) and, for a
    notebook not run in this checkout (a fresh clone with ``ONLY=``), the rows ``out_dir/claims.json``
    already holds (quick: the committed scorecard), so that running one notebook never drops the
    others' verdicts; in the order of ``notebook_ids`` (else by notebook id)."""
    records = _records(profile)
    claims = _claims_of(records, notebook_ids)
    prior = Path(out_dir) / "claims.json"
    if prior.exists():
        ran = {d["notebook_id"] for d in records}
        claims += [c for c in load_scorecard(prior)
                   if c.notebook_id not in ran and (notebook_ids is None or c.notebook_id in notebook_ids)]
    order = {nid: i for i, nid in enumerate(notebook_ids or sorted({c.notebook_id for c in claims}))}
    return sorted(claims, key=lambda c: order.get(c.notebook_id, len(order)))


def write_scorecard(profile: str, out_dir: Path, notebook_ids: list[str] | None = None) -> dict[str, int]:
    """Write ``claims.md`` and ``claims.json`` into ``out_dir`` from :func:`current_claims`; returns
    the totals of the profile's own models (:func:`digits_rows`)."""
    claims = current_claims(profile, out_dir, notebook_ids)
    atomic_write_bytes(out_dir / "claims.md", to_markdown(claims, profile).encode())
    payload = {"profile": profile, "totals": totals(digits_rows(claims)),
               "totals_real_network": totals(network_rows(claims)), "claims": [c.as_dict() for c in claims]}
    atomic_write_bytes(out_dir / "claims.json", json.dumps(payload, indent=1).encode())
    return totals(digits_rows(claims))


def seeds_markdown(by_seed: Mapping[int, list[Claim]]) -> str:
    """``figures/claims-seeds.md``: per claim, the verdict and measured value under each model seed
    (the quick zoo retrained with another seed, same recipe), and whether the verdict flips."""
    seeds = sorted(by_seed)
    index = {s: {(c.notebook_id, c.claim_id): c for c in by_seed[s]} for s in seeds}
    keys = sorted({k for s in seeds for k in index[s]})
    flips = [k for k in keys if len({index[s][k].verdict for s in seeds if k in index[s]}) > 1]
    lines = ["# Claims under other trained models (quick profile)", "",
             f"Model seeds {', '.join(map(str, seeds))}; {len(flips)} of {len(keys)} claims change verdict "
             "between seeds. Generated by `python -m inputspace.pipeline compare`; do not edit.", "",
             "| notebook | claim | " + " | ".join(f"seed {s}" for s in seeds) + " | flips |",
             "|---|---|" + "---|" * len(seeds) + "---|"]
    for k in keys:
        cells = [f"**{index[s][k].labelled_verdict}** {_md_cell(index[s][k].measured)}" if k in index[s] else "—"
                 for s in seeds]
        lines.append(f"| {k[0]} | {k[1]} | " + " | ".join(cells) + f" | {'yes' if k in flips else ''} |")
    return "\n".join(lines) + "\n"
