"""Every ipywidgets explorer used the way a reader uses it: its notebook opened in JupyterLab in the
smoke profile, all cells run, then a slider moved and a dropdown changed in Chromium; the shown
image (the ``<img>`` data) and the text readout of its numbers must change. Read from the DOM,
never from screenshots; the waits are upper bounds against hangs, not timed assertions."""

from __future__ import annotations

import re

import pytest

RUN_ALL_MS = 600_000  # a cold smoke cache computes what the notebook needs
UPDATE_MS = 120_000
# Error outputs of the open notebook's cells (from its model: in the DOM an error and a warning
# render alike, as stderr), and whether every code cell has run (its prompt shows a number).
STATE = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const errors = [];
  for (const cell of nb.widgets) {
    if (cell.model.type !== 'code') continue;
    const outs = cell.model.outputs;
    for (let i = 0; i < outs.length; i++) {
      const o = outs.get(i).toJSON();
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
    }
  }
  const prompts = [...nb.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim());
  const done = prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
  return {errors, done};
}"""


def run_notebook(page, lab, nid: str, call: str):
    """Open ``nid``'s smoke copy, run all cells, check there is no error; returns the explorer's
    widget (the box under the cell whose code contains ``call``)."""
    page.goto(lab.notebook_url(nid))
    page.wait_for_function(
        "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session"
        "?.kernel?.status === 'idle'",
        timeout=RUN_ALL_MS,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        f"() => {{ const s = ({STATE})(); return s.done || s.errors.length > 0; }}",
        timeout=RUN_ALL_MS,
    )
    state = page.evaluate(STATE)
    assert state["errors"] == [] and state["done"], f"{nid}: {state}"
    cell = page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=call)
    )
    widget = cell.locator(".jp-OutputArea-output .widget-vbox").first
    widget.locator(".widget-output img").first.wait_for(timeout=UPDATE_MS)
    return widget


TEXT = ".widget-output, div.widget-label"
"""Where an explorer shows its numbers as text (Output widgets, Label widgets), in page order."""


def view(widget) -> tuple[tuple[str, ...], str]:
    """What the explorer shows: the data of its images and the text of its outputs and of its
    readout labels (``div.widget-label``: Label widgets; a control's description is a <label>)."""
    outs = widget.locator(".widget-output")
    srcs = tuple(img.get_attribute("src") or "" for img in outs.locator("img").all())
    return srcs, " | ".join(o.inner_text().strip() for o in widget.locator(TEXT).all())


def changed(page, widget, before: tuple[tuple[str, ...], str], act, expect: str = ""):
    """Do ``act()``, then wait (bounded) until every output of the explorer shows an image again,
    the images and the text differ from ``before`` and the text contains ``expect``; returns the
    new view."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    act()
    try:
        page.wait_for_function(
            """([w, srcs, text, expect, text_sel]) => {
              const now = [...w.querySelectorAll('.widget-output img')].map(i => i.src);
              const t = [...w.querySelectorAll(text_sel)].map(o => o.innerText.trim()).join(' | ');
              const drawn = [...w.querySelectorAll('.widget-output')]  // each: its text, then its image
                .every(o => o.querySelectorAll('img').length === 1);
              return drawn && now.join() !== srcs.join() && t !== text && t.includes(expect);
            }""",
            arg=[widget.element_handle(), list(before[0]), before[1], expect, TEXT],
            timeout=UPDATE_MS,
        )
    except PlaywrightTimeout:
        now = view(widget)
        pytest.fail(
            f"the view did not update (expected {expect!r}): text still {now[1]!r}, "
            f"images {'unchanged' if now[0] == before[0] else 'changed'}",
            pytrace=False,
        )
    after = view(widget)
    assert after[0] and after[0] != before[0] and after[1] != before[1] and expect in after[1]
    return after


def set_slider(widget, nth: int, value: str) -> None:
    """Type ``value`` into the readout of the ``nth`` slider and press Enter (as a reader does)."""
    readout = widget.locator(".widget-slider .widget-readout").nth(nth)
    readout.fill(value)
    readout.press("Enter")


def other(select, avoid: set[int]) -> tuple[int, str]:
    """The first option of ``select`` whose index is not in ``avoid``: (index, label)."""
    labels = [t.replace("\xa0", " ") for t in select.locator("option").all_inner_texts()]
    i = next(i for i in range(len(labels)) if i not in avoid)
    return i, labels[i]


def selected(select) -> int:
    return select.evaluate("s => s.selectedIndex")


def test_p2_lst_explorer_follows_slider_and_target(page, lab):
    w = run_notebook(page, lab, "p2-example", "explorer.lst_paths")
    before = view(w)
    assert re.search(r"RMS ℓ2 to target \d\.\d{4}", before[1]), before[1]
    after = changed(page, w, before, lambda: set_slider(w, 0, "0"), expect="step 0: source conf")
    src, tgt = w.locator(".widget-dropdown select").all()
    i, label = other(tgt, {selected(src), selected(tgt)})
    after = changed(
        page, w, after, lambda: tgt.select_option(index=i), expect=f"→ {label}, step 0:"
    )


def test_p1_barrier_explorer_follows_alpha_inputs_and_bypass(page, lab):
    w = run_notebook(page, lab, "p1-fig03", "explorer.fig03")
    before = view(w)
    assert "barrier max" in before[1] and "α=0.50: p=" in before[1], before[1]
    after = changed(
        page,
        w,
        before,
        lambda: set_slider(w, 1, "0.25"),  # sliders: bypass it., α
        expect="α=0.25: p=",
    )
    first, second, _ = w.locator(".widget-dropdown select").all()
    i, label = other(second, {selected(first), selected(second)})

    def new_path() -> None:
        second.select_option(index=i)
        w.get_by_role("button", name="loss along path").click()

    after = changed(page, w, after, new_path, expect=f"→ {label}, class")
    set_slider(w, 0, "8")  # the fewest bypass iterations: the bypass only has to run
    bypassed = changed(
        page,
        w,
        after,
        lambda: w.get_by_role("button", name="run bypass").click(),
        expect="A → B′ → C, α=0.25: p=",
    )
    assert len(bypassed[0]) == 2, bypassed  # the loss plot, then both paths' images in one figure


def test_p3_class_explorer_follows_class_and_layer(page, lab):
    w = run_notebook(page, lab, "p3-fig05", "explorer.fig05")
    before = view(w)
    _, layer, cls = w.locator(".widget-dropdown select").all()
    i, label = other(cls, {selected(cls)})
    after = changed(page, w, before, lambda: cls.select_option(index=i), expect=f"class {label},")
    j, name = other(layer, {selected(layer)})
    changed(page, w, after, lambda: layer.select_option(index=j), expect=f"class {label}, {name}:")


@pytest.mark.parametrize("nid", ["p3-fig11", "p3-fig12"])
def test_p3_attack_explorer_follows_image_and_eps(page, lab, nid):
    w = run_notebook(page, lab, nid, "explorer.attack_explorer")
    before = view(w)
    assert before[1].startswith("image 0 "), before[1]
    after = changed(page, w, before, lambda: set_slider(w, 0, "1"), expect="image 1 ")
    which = w.locator(".widget-dropdown select").nth(1)
    i, _ = other(which, {selected(which)})
    changed(page, w, after, lambda: which.select_option(index=i), expect="image 1 ")
