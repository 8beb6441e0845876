"""Every example's TikZ figure compiles with pdflatex to one page the size of the picture, in
both forms and with labels full of TeX's special characters. Runs where pdflatex and TikZ are
installed (.ci/run installs them: texlive-latex-base and texlive-pictures)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.backprop import run
from backprop_studio.engine.figures.tikz import write_tikz

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="pdflatex is not installed (.ci/run installs it)")


def _compile(tex) -> bytes:
    """The PDF, its objects uncompressed so that the test can read the page size."""
    first = "\\pdfobjcompresslevel=0 \\pdfcompresslevel=0 \\input{" + tex.stem + "}"
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-jobname", tex.stem, first],
                          cwd=tex.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return tex.with_suffix(".pdf").read_bytes()


def _pages_and_box(pdf: bytes) -> tuple[int, list[float]]:
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    box = re.search(rb"/MediaBox\s*\[([^\]]+)\]", pdf)
    return pages, [float(v) for v in box.group(1).split()]


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory):
    """example_pdf(path) -> (graph, the compiled .pdf's path): each example is compiled once
    for the page test and the overlap test."""
    folder = tmp_path_factory.mktemp("examples")
    compiled = {}

    def make(path):
        if path not in compiled:
            graph = fileformat.load(path)
            tex = write_tikz(graph, run(graph), folder / f"{path.stem}.tex")
            _compile(tex)
            compiled[path] = graph, tex.with_suffix(".pdf")
        return compiled[path]
    return make


@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_every_example_compiles_to_one_tight_page(example_pdf, path):
    _, pdf = example_pdf(path)
    pages, box = _pages_and_box(pdf.read_bytes())
    assert pages == 1
    width_pt, height_pt = box[2] - box[0], box[3] - box[1]
    assert 50 < width_pt < 2000 and 30 < height_pt < 2000       # the picture, not A4/letter
    assert (width_pt, height_pt) != pytest.approx((612, 792)) and \
        (width_pt, height_pt) != pytest.approx((595.3, 841.9), abs=1)


def test_snippet_inputs_into_a_paper_and_hostile_labels_compile(tmp_path):
    graph = fileformat.load(fileformat.example_paths()[0].with_name("cs231n_add_multiply.json"))
    for node, label in zip(graph.nodes, ["50% & $x_1", "a\\b {#} ~^", "σ(Z₁)ᵀ", "日本 x̄",
                                          "<|>"]):
        graph.set_label(node, label)
    write_tikz(graph, run(graph), tmp_path / "fig.tikz", standalone=False, palette="colorblind")
    paper = tmp_path / "paper.tex"
    paper.write_text("\\documentclass{article}\n\\usepackage{tikz}\n\\begin{document}\n"
                     "Figure:\n\n\\input{fig.tikz}\n\\end{document}\n", encoding="utf-8")
    pages, _ = _pages_and_box(_compile(paper))
    assert pages == 1


def _words(pdf_path) -> list[tuple[str, float, float, float, float]]:
    """Every word pdflatex typeset, with its box in points (poppler's pdftotext -bbox)."""
    proc = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True,
                          text=True, timeout=60, check=True)
    return [(m.group(5), *(float(m.group(k)) for k in range(1, 5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
        proc.stdout)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_no_two_words_of_the_typeset_figure_overlap(example_pdf, path):
    """In the compiled page itself, not in the layout's estimates: no number, title or node
    text lies over another (seed_matrix_form's 3×5 ∈[−0.016, 0.017] lay over
    (5) ∈[0.44, 0.61])."""
    graph, pdf = example_pdf(path)
    words = _words(pdf)
    assert len(words) > 2 * len(graph)
    shrink = 0.6                       # a glyph's box may touch its neighbour's
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(words):
        for b, bx0, by0, bx1, by1 in words[i + 1:]:
            apart = (ax1 - shrink <= bx0 or bx1 - shrink <= ax0 or ay1 - shrink <= by0
                     or by1 - shrink <= ay0)
            assert apart, (path.stem, a, b)
