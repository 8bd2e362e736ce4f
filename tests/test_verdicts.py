"""The reader's view of the verdicts: readable names, kinds, the causes of failures and each
notebook's rendered "What this shows" section."""

from __future__ import annotations

import json
import re
from collections import Counter

import nbformat
import pytest

from inputspace import paths, scorecard, verdicts
from inputspace.claims import Claim

RUN = json.loads((paths.FIGURES_ROOT / "claims.json").read_text())


def _rows() -> list[Claim]:
    return [Claim.from_dict(c) for c in RUN["claims"]]


def test_kinds_on_both_sides_of_their_patterns():
    assert (
        verdicts.kind_of("P2.6-2a") == "paper"
        and verdicts.kind_of("P2.6-2a-ctl-noadv") == "control"
    )
    assert verdicts.kind_of("P1.7-1b") == "paper" and verdicts.kind_of("P1.7-1b-rel") == "corrected"
    assert verdicts.kind_of("X1.2") == "hypothesis" and verdicts.kind_of("X1.2r") == "corrected"
    assert verdicts.kind_of("P2.6-1") == "construction" and verdicts.kind_of("P2.6-2c") == "ours"
    assert verdicts.kind_of("P3-disp-grow-resnet18-rule") == "paper"
    assert verdicts.kind_of("P3-disp-grow-resnet18-rule-eval") == "control"


def test_names_keep_variant_suffixes_and_fall_back_to_the_id():
    assert verdicts.name_of("p2-tab01", "P2.6-2b") == "P2-closer-linf"
    assert verdicts.name_of("p2-tab01", "P2.6-2b-ctl-noadv") == "P2-closer-linf-ctl-noadv"
    assert (
        verdicts.name_of("p2-example", "P2.6-2b") == "P2-closer-linf-grid"
    )  # another item set, another name
    assert (
        verdicts.name_of("p2-star", "P2.6-3 ResNet-18 (FGSM-AT) ≈ adv-trained") == "P2-star-like-at"
    )
    assert verdicts.name_of("p3-fig11", "P3-disp-resnet18-rule") == "P3-disp-resnet18-rule"


def test_every_row_of_the_run_has_one_name():
    names = Counter(c.name for c in _rows())
    assert [n for n, k in names.items() if k > 1] == []


def test_every_failure_of_the_run_has_a_cause_and_no_other_row_has_one():
    rows = _rows()
    failing = {c.name for c in rows if c.passed is False}
    assert sorted(failing - set(verdicts.REASONS)) == []  # a failure without a written cause
    assert sorted(set(verdicts.REASONS) - failing) == []  # a cause for a row that does not fail
    assert all(
        cause in verdicts.CAUSES and len(why) > 20 for cause, why in verdicts.REASONS.values()
    )


def _claim(cid: str, passed, network: str = "", nid: str = "p2-tab01") -> Claim:
    return Claim(nid, cid, "Some statement", "paper value", "measured 0.5", passed, network=network)


def test_what_this_shows_renders_the_run_s_rows_by_kind(monkeypatch):
    monkeypatch.setitem(
        verdicts.REASONS, "P2-closer-linf", ("scale/data", "the digits are 32 px and binary")
    )
    text = scorecard.shows_markdown(
        [
            _claim("P2.6-2a", True),
            _claim("P2.6-2b", False),
            _claim("P2.6-2b-ctl-noadv", None),
            _claim("P2.6-2b-real", True, "Lite0; photos"),
        ]
    )
    paper, control, real = text.split("\n\n")[0:2], text.split("\n\n")[2:4], text.split("\n\n")[4:]
    assert paper[0] == "The paper's claims checked here: 1 pass, 1 fail, 0 not evaluated."
    assert (
        "**P2-closer-l2**" in paper[1]
        and "Paper: paper value. Here: measured 0.5 → **PASS**" in paper[1]
    )
    assert "→ **FAIL**. Why it fails: scale/data, the digits are 32 px and binary." in paper[1]
    assert control[0].startswith("Rows of kind *control (added)*: 0 pass, 0 fail, 1 not evaluated")
    assert real[0].startswith(
        "On a real ImageNet network (Lite0; photos), kept out of the totals: 1 pass"
    )
    assert "P2-closer-linf-real" in real[1] and "P2-closer-linf-real" not in paper[1]
    assert scorecard.shows_markdown([]).startswith("This notebook records no claims")


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_closes_with_what_it_shows_then_its_provenance(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[-3].cell_type == "markdown" and cells[-3].source.startswith(
        "## What this shows\n\n"
    )
    assert cells[-2].source == "notebook.what_this_shows(card)"
    assert "notebook.provenance(cfg)" in cells[-1].source
    lead = cells[-3].source.split("\n\n")[1]
    assert not re.search(
        r"\d+(\.\d+)?\s*%|\b\d+\.\d+\b", lead
    )  # numbers in prose come from the run


def test_the_readme_s_numbers_are_the_run_s():
    """The README's results at a glance and its gallery are the ones rendered from claims.json."""
    from inputspace.run import readme

    text = (paths.ROOT / "README.md").read_text()
    rows = _rows()
    for start, end, rendered in (
        (readme.README_START, readme.README_END, scorecard.at_a_glance(rows)),
        (
            readme.GALLERY_START,
            readme.GALLERY_END,
            scorecard.gallery(rows, readme.gallery_items()),
        ),
    ):
        block = text.split(start, 1)[1].split(end, 1)[0]
        assert block.strip() == rendered.strip()


def test_fold_models_writes_per_model_names_once():
    names = [
        "P3-pgd-acc-resnet18-paper",
        "P3-disp-resnet18-paper",
        "P3-pgd-acc-vit_tiny-paper",
        "X1.2",
    ]
    assert scorecard.fold_models(names) == [
        "P3-pgd-acc-{resnet18, vit_tiny}-paper",
        "P3-disp-resnet18-paper",
        "X1.2",
    ]
    assert scorecard.fold_models(["P3-disp-resnet18-rule", "P3-disp-resnet18-paper"]) == [
        "P3-disp-resnet18-rule",
        "P3-disp-resnet18-paper",
    ]
