"""Speed and peak memory of papercast's extractor next to pypdf, on a 20-page two-column paper.

Usage: .venv/bin/python bench/bench_extract.py [--pages 20] [--repeat 10]

Each extractor runs in its own subprocess, so its peak RSS (ru_maxrss) is its own:
imports, the open document and the extracted text included. Each run is timed on
its own; the best run shows what the code can do, the median what a busy machine gives. Targets for papercast:
at least 200 pages/s and under 150 MB peak. It also prints papercast's speed as a share of plain pdfium text
extraction measured in the same run (pdfium-plain is the floor: papercast reads its text through pdfium).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_PAGES_PER_SECOND = 200
TARGET_PEAK_MB = 150


def _make_paper(folder: Path, pages: int) -> Path:
    """A two-column paper with running header and page numbers, grown until it has ``pages`` pages."""
    from tests.pdfs import pages_of, two_column_paper

    findings = pages * 52
    while True:
        pdf = two_column_paper(folder / f"bench-{pages}.pdf", findings=findings)
        have = pages_of(pdf)
        if have == pages:
            return pdf
        findings += max(1, (pages - have) * 45) if have < pages else -max(1, (have - pages) * 45)


def _extract_papercast(pdf: Path) -> int:
    from workflows.intake.extract import extract_paper
    from workflows.settings import Intake

    paper = extract_paper(pdf, Intake())
    return paper.pages_kept


def _extract_pypdf(pdf: Path) -> int:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def _extract_pdfium_plain(pdf: Path) -> int:
    """pypdfium2's page text and nothing else: the floor under papercast's extractor."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    for page in doc:
        page.get_textpage().get_text_range()
    n = len(doc)
    doc.close()
    return n


EXTRACTORS = {"papercast": _extract_papercast, "pypdf": _extract_pypdf, "pdfium-plain": _extract_pdfium_plain}


def _worker(name: str, pdf: Path, repeat: int) -> None:
    extract = EXTRACTORS[name]
    extract(pdf)  # warm up: imports, font caches
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        pages = extract(pdf)
        rates.append(pages / (time.perf_counter() - start))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"best": max(rates), "median": statistics.median(rates), "peak_mb": peak / 1024}))


def _measure(name: str, pdf: Path, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--pdf", str(pdf), "--repeat", str(repeat)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--worker", choices=sorted(EXTRACTORS))
    parser.add_argument("--pdf", type=Path)
    args = parser.parse_args()
    if args.worker:
        return _worker(args.worker, args.pdf, args.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        pdf = _make_paper(Path(tmp), args.pages)
        print(f"{args.pages}-page two-column paper, {pdf.stat().st_size / 1024:.0f} KiB, {args.repeat} runs per extractor")
        print(f"{'extractor':<14}{'best pages/s':>14}{'median pages/s':>16}{'peak MB':>10}")
        results = {}
        for name in EXTRACTORS:
            results[name] = r = _measure(name, pdf, args.repeat)
            print(f"{name:<14}{r['best']:>14.0f}{r['median']:>16.0f}{r['peak_mb']:>10.1f}")
    ours = results["papercast"]
    ok = ours["best"] >= TARGET_PAGES_PER_SECOND and ours["peak_mb"] < TARGET_PEAK_MB
    print(
        f"papercast target (>= {TARGET_PAGES_PER_SECOND} pages/s best run, < {TARGET_PEAK_MB} MB peak): {'met' if ok else 'NOT met'}; "
        f"{ours['median'] / results['pypdf']['median']:.1f}x pypdf's median speed"
    )
    plain = results["pdfium-plain"]
    print(f"papercast runs at {ours['best'] / plain['best']:.0%} of plain pdfium text extraction (best runs; "
          f"{ours['median'] / plain['median']:.0%} of its median)")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (busy machines lower the median)")

if __name__ == "__main__":
    main()
