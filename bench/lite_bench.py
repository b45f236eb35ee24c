"""How fast is check() in the browser (the lite app, Pyodide, headless Chromium)?

Prints the cold start, from opening exercise 01's notebook to the first check() result
(the page loads, the kernel starts, the course wheel installs, the starter is checked),
and the warm check() p50/p95 over N runs in the same kernel (timed inside the page, the
output captured so that drawing N tables is not counted). The goal: warm p95 <= 1 s.

    python bench/lite_bench.py                  # the site in site/ (mkdocs build first)
    python bench/lite_bench.py --site /tmp/site --n 30
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import lite_support as lite  # noqa: E402 - the repository's own helpers
from tests.docs_support import serve  # noqa: E402

NOTEBOOK = "exercises/01-adapter/01-adapter.ipynb"
WARM = """
import json, statistics, time
from IPython.utils.capture import capture_output
times = []
for _ in range({n}):
    started = time.perf_counter()
    with capture_output():
        check()
    times.append(time.perf_counter() - started)
times.sort()
print("WARM" + json.dumps({{"p50": statistics.median(times),
                            "p95": times[max(0, round(0.95 * len(times)) - 1)]}}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site")
    parser.add_argument("--n", type=int, default=20, help="warm check() runs")
    args = parser.parse_args()
    if not (args.site / "lite" / "notebooks" / "index.html").is_file():
        print(f"lite_bench: no lite app in {args.site}; build the site first (mkdocs build).")
        return 2
    if not lite.CHROMIUM.exists():
        print(f"lite_bench: no Chromium at {lite.CHROMIUM}.")
        return 2
    from playwright.sync_api import sync_playwright

    with serve(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(lite.CHROMIUM), args=lite.ARGS)
        context, traffic = lite.open_context(browser, base)
        page = context.new_page()
        started = time.perf_counter()
        lite.open_notebook(page, base, NOTEBOOK)
        opened = time.perf_counter() - started
        lite.run_all(page)
        cold = time.perf_counter() - started
        lite.set_source(page, "check()", WARM.format(n=args.n))
        output = lite.run_cell(page, "WARM")
        warm = json.loads(output.split("WARM", 1)[1].strip())
        browser.close()
    print(f"page open -> notebook shown:        {opened:6.2f} s")
    print(f"page open -> first check() result:  {cold:6.2f} s   (cold start, incl. install)")
    print(f"warm check(), {args.n} runs:  p50 {warm['p50']:.3f} s   p95 {warm['p95']:.3f} s")
    print(f"requests to other hosts: {len(traffic.outside)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
