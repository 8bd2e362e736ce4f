"""The claims scorecard: every notebook records its paper's testable claims here.

A notebook's :class:`Scorecard` writes ``build/<profile>/claims/<notebook_id>.json`` after each
record (atomically), starting empty on every run so a rerun never keeps stale verdicts;
``make figures`` aggregates them into ``figures/claims.md`` (a table per paper) and
``figures/claims.json``. A claim that does not reproduce is recorded as failed, with numbers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from . import paths
from .cache import atomic_write_bytes
from .certainty import Evidence, verdict_text
from .verdicts import kind_of, name_of, reason_of

PAPERS = {
    "p1": "P1 — Vrabel et al., Input Space Mode Connectivity in Deep Neural Networks",
    "p2": "P2 — Balasubramanian et al., Exploring Geometry of Blind Spots in Vision Models",
    "p3": "P3 — Lee & Vijayan, Generalization ability and vulnerabilities to adversarial perturbations",
    "px": "Cross-study — the three geometries on the same models (hypotheses stated before the run)",
}


class _FromEvidence:
    """The default of ``passed``: the verdict is the evidence's own rule on its statistic
    (:attr:`inputspace.certainty.Evidence.passes`), so a rule is written once."""

    def __repr__(self) -> str:
        return "FROM_EVIDENCE"


FROM_EVIDENCE: Any = _FromEvidence()


def _verdict(claim_id: str, passed: Any, evidence: Evidence | None) -> bool | None:
    """``passed`` as given, or the evidence's verdict where it was left out (:data:`FROM_EVIDENCE`)."""
    if passed is not FROM_EVIDENCE:
        return passed
    if evidence is None or evidence.passes is None:
        raise ValueError(
            f"{claim_id}: no verdict given and no evidence whose rule gives one; pass passed=..."
        )
    return evidence.passes


@dataclass(frozen=True)
class Statement:
    """What a claim says and what the paper reports, looked up by claim id in a paper's statement
    table (``inputspace.<paper>.statements.STATEMENTS``) so that the recorders hold only
    measurement: :func:`record`."""

    text: str
    paper: str


def record(
    card: Scorecard | Variant,
    statements: dict[str, Statement],
    claim_id: str,
    measured: Any,
    *,
    passed: Any = FROM_EVIDENCE,
    note: str = "",
    evidence: Evidence | None = None,
) -> Claim:
    """Record claim ``claim_id`` on ``card`` with its statement and paper value from
    ``statements``; ``passed`` defaults to the evidence's own rule.

    Raises:
        KeyError: ``claim_id`` is not in the table (a row needs its statement first).
    """
    if claim_id not in statements:
        raise KeyError(f"claim {claim_id!r} has no statement in the table; add it there first")
    st = statements[claim_id]
    return card.record(
        claim_id, st.text, st.paper, measured, passed=passed, note=note, evidence=evidence
    )


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

    @property
    def name(self) -> str:
        """The readable name the scorecard shows (:func:`inputspace.verdicts.name_of`; ``claim_id``
        is the historical id, kept for continuity)."""
        return name_of(self.notebook_id, self.claim_id)

    @property
    def kind(self) -> str:
        """``paper`` / ``construction`` / ``ours`` / ``control`` / ``corrected`` / ``hypothesis``
        (:func:`inputspace.verdicts.kind_of`)."""
        return kind_of(self.claim_id)

    @property
    def reason(self) -> tuple[str, str] | None:
        """Why a failing row fails: (cause, clause) (:data:`inputspace.verdicts.REASONS`); None for a
        row that does not fail."""
        return reason_of(self.name) if self.passed is False else None

    def as_dict(self) -> dict:
        """JSON form with the readable ``name``, the ``kind`` and, on a FAIL, the ``reason``; a claim
        without evidence has no ``evidence`` key, a digits row no ``network`` key (files written
        before they existed read back the same)."""
        d = asdict(self)
        if d["evidence"] is None:
            del d["evidence"]
        if not d["network"]:
            del d["network"]
        d.update(name=self.name, kind=self.kind)
        if self.reason:
            d["reason"] = {"cause": self.reason[0], "why": self.reason[1]}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Claim:
        """A claim read back from its JSON form (the derived ``name``, ``kind``, ``reason`` dropped)."""
        own = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in own})


class Scorecard:
    """Claims of one notebook run (``record`` appends and saves) in ``directory``: by default the
    profile's claims folder that the scorecard aggregates; an exploring run's own folder
    (:meth:`inputspace.outputs.RunOutputs.claims_dir`, given by :func:`inputspace.notebook.setup`)."""

    def __init__(self, notebook_id: str, profile: str, directory: Path | None = None) -> None:
        self.notebook_id = notebook_id
        self.profile = profile
        self.claims: list[Claim] = []
        self.path = (
            paths.claims_dir(profile) if directory is None else Path(directory)
        ) / f"{notebook_id}.json"
        self._save()

    def record(
        self,
        claim_id: str,
        statement: str,
        paper_value: Any,
        measured: Any,
        passed: Any = FROM_EVIDENCE,
        note: str = "",
        evidence: Evidence | None = None,
        network: str = "",
    ) -> Claim:
        """Record one claim and save the notebook's scorecard; returns the claim. ``evidence``: the
        per-item statistic the verdict rests on, with its interval and certainty label; its rule
        must give the recorded verdict (a claim whose evidence says otherwise is a bug, not a row).
        ``passed`` left out: the evidence's rule gives the verdict (:data:`FROM_EVIDENCE`).
        ``network``: set on a real-network section's rows (:meth:`section`)."""
        passed = _verdict(claim_id, passed, evidence)
        if (
            evidence is not None
            and passed is not None
            and evidence.passes is not None
            and bool(passed) != evidence.passes
        ):
            raise ValueError(
                f"{self.notebook_id} {claim_id}: verdict {bool(passed)} but its evidence's rule gives "
                f"{evidence.passes} on the statistic {evidence.statistic:.4g}"
            )
        claim = Claim(
            self.notebook_id,
            claim_id,
            statement,
            str(paper_value),
            str(measured),
            None if passed is None else bool(passed),
            note,
            paths.paper_check(),
            None if evidence is None else evidence.as_dict(),
            network,
        )
        self.claims = [c for c in self.claims if c.claim_id != claim_id] + [claim]
        self._save()
        return claim

    def _save(self) -> None:
        payload = {
            "notebook_id": self.notebook_id,
            "profile": self.profile,
            "claims": [c.as_dict() for c in self.claims],
        }
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

    def record(
        self,
        claim_id: str,
        statement: str,
        paper_value: Any,
        measured: Any,
        passed: Any = FROM_EVIDENCE,
        note: str = "",
        evidence: Evidence | None = None,
    ) -> Claim:
        return self.card.record(
            f"{claim_id}-{self.suffix}",
            statement,
            paper_value,
            measured,
            passed,
            "; ".join(filter(None, (self.note, note))),
            evidence,
            network=self.network,
        )

    def table(self):
        suffix = f"-{self.suffix}"
        return claims_frame(
            [
                c
                for c in self.card.claims
                if c.claim_id.endswith(suffix) and c.network == self.network
            ]
        )


def claims_frame(claims: list[Claim]):
    """Claims as the notebooks display them (a pandas DataFrame)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "claim": c.name,
                "kind": c.kind,
                "statement": c.statement,
                "paper": c.paper_value,
                "measured": c.measured,
                "verdict": c.labelled_verdict,
            }
            for c in claims
        ]
    )


def _records(profile: str) -> list[dict]:
    """The per-notebook claims records of a profile (each run in this checkout writes one), sorted."""
    return [json.loads(p.read_text()) for p in sorted(paths.claims_dir(profile).glob("*.json"))]


def _claims_of(records: list[dict], notebook_ids: list[str] | None) -> list[Claim]:
    return [
        Claim.from_dict(c)
        for d in records
        if notebook_ids is None or d["notebook_id"] in notebook_ids
        for c in d["claims"]
    ]


def load_all(profile: str, notebook_ids: list[str] | None = None) -> list[Claim]:
    """Every recorded claim of a profile (optionally of some notebooks only), sorted."""
    return _claims_of(_records(profile), notebook_ids)


def load_scorecard(path: Path) -> list[Claim]:
    """The claims of an aggregated scorecard file (``figures/claims.json``)."""
    return [Claim.from_dict(c) for c in json.loads(Path(path).read_text())["claims"]]


def digits_rows(claims: list[Claim]) -> list[Claim]:
    """The rows of the profile's own models (not of a real-network section): the headline totals."""
    return [c for c in claims if not c.network]


def network_rows(claims: list[Claim]) -> list[Claim]:
    """The rows of the real-network sections (never averaged with :func:`digits_rows`)."""
    return [c for c in claims if c.network]


def current_claims(
    profile: str, out_dir: Path, notebook_ids: list[str] | None = None
) -> list[Claim]:
    """The scorecard's claims: each notebook's from its latest run here (:func:`load_all`) and, for a
    notebook not run in this checkout (a fresh clone with ``ONLY=``), the rows ``out_dir/claims.json``
    already holds (quick: the committed scorecard), so that running one notebook never drops the
    others' verdicts; in the order of ``notebook_ids`` (else by notebook id)."""
    records = _records(profile)
    claims = _claims_of(records, notebook_ids)
    prior = Path(out_dir) / "claims.json"
    if prior.exists():
        ran = {d["notebook_id"] for d in records}
        claims += [
            c
            for c in load_scorecard(prior)
            if c.notebook_id not in ran and (notebook_ids is None or c.notebook_id in notebook_ids)
        ]
    order = {
        nid: i for i, nid in enumerate(notebook_ids or sorted({c.notebook_id for c in claims}))
    }
    return sorted(claims, key=lambda c: order.get(c.notebook_id, len(order)))
