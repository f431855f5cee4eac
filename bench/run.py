"""Benchmark `gladcfg plan` on large projects against an unchanged mock instance.

For each size it generates a project (bench/generate.py), seeds the mock store with exactly
what the files declare, then measures, each in a fresh process (best of --repeat runs):

* plan:        `gladcfg plan -i bench --detailed-exitcode` (must exit 0: no changes)
* parse-only:  the same process start, only parsing the same YAML files with libyaml
               (`yaml.load` with `CSafeLoader`, what most Python tools do)
* gladcfg-parse: the same, with gladcfg's own libyaml reader (gladcfg.yamlio)
* help:        `gladcfg --help`, against bare `python -c pass`

Wall time and peak RSS of the measured process. Run: `make bench` (or
`python bench/run.py --sizes 1000 10000 50000`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(wall, rss, code)
"""

PARSE_PYYAML = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("config/**/*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""

PARSE_GLADCFG = """
import sys
from pathlib import Path
from gladcfg import yamlio
for path in sorted(Path(sys.argv[1]).glob("config/**/*.yaml")):
    yamlio.load(path.read_text(encoding="utf-8"))
"""


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time (s) and its peak RSS (MiB) over ``repeat`` fresh processes."""
    best: tuple[float, float] | None = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
        ).stdout.split()
        wall, rss_kib, code = float(out[0]), int(out[1]), int(out[2])
        if code != 0:
            raise SystemExit(f"{' '.join(command)} exited {code}")
        if best is None or wall < best[0]:
            best = (wall, rss_kib / 1024)
    assert best is not None
    return best


def seed(root: Path) -> None:
    """Make the mock instance hold exactly what the files declare."""
    from gladcfg.adapter.mock import MockAdapter
    from gladcfg.config import Workspace, load_desired

    workspace = Workspace.open(root)
    state = load_desired(workspace, "bench").states["bench"]
    objects = []
    if state.settings is not None:
        objects.append(("settings", "settings", state.settings.model.canonical()))
    for kind, by_name in state.resources.items():
        objects.extend((kind, name, item.model.canonical()) for name, item in by_name.items())
    config = workspace.instance("bench")
    assert config.adapter == "mock"
    MockAdapter("bench", config, root).seed(objects)


def targets(help_wall: float, bare_wall: float, rows: list[dict[str, float]]) -> list[str]:
    """SPEC §8's targets, each with what was measured and whether it is met."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    lines = [
        f"- `--help` within 300 ms of bare python: +{(help_wall - bare_wall) * 1000:.0f} ms "
        f"— {verdict(help_wall - bare_wall < 0.3)}"
    ]
    for r in rows:
        ratio = r["plan_over_parse"]
        if r["resources"] >= 10_000:  # below, start-up dominates both
            lines.append(
                f"- {r['resources']:,}: plan within 1.5× of PyYAML's parse: {ratio:.2f}× "
                f"— {verdict(ratio <= 1.5)}"
            )
        if r["resources"] == 10_000:
            lines.append(
                f"- 10,000: plan under 1 s: {r['plan_s']:.2f} s — {verdict(r['plan_s'] < 1)}"
            )
        if r["resources"] == 50_000:
            lines.append(
                f"- 50,000: plan under 5 s: {r['plan_s']:.2f} s — {verdict(r['plan_s'] < 5)}"
            )
            lines.append(
                f"- 50,000: peak RSS at most 200 MiB: {r['plan_rss_mib']:.0f} MiB "
                f"— {verdict(r['plan_rss_mib'] <= 200)}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    gladcfg = [sys.executable, "-m", "gladcfg"]
    rows = []
    help_wall, _ = measure([*gladcfg, "--help"], args.repeat * 2)
    bare_wall, _ = measure([sys.executable, "-c", "pass"], args.repeat * 2)
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"gladcfg-bench-{size}-"))
        try:
            generate(folder, size)
            seed(folder)
            plan = measure(
                [*gladcfg, "-C", str(folder), "plan", "-i", "bench", "--detailed-exitcode"],
                args.repeat,
            )
            pyyaml = measure([sys.executable, "-c", PARSE_PYYAML, str(folder)], args.repeat)
            own = measure([sys.executable, "-c", PARSE_GLADCFG, str(folder)], args.repeat)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rows.append(
            {
                "resources": size,
                "plan_s": round(plan[0], 3),
                "plan_rss_mib": round(plan[1], 1),
                "parse_pyyaml_s": round(pyyaml[0], 3),
                "parse_gladcfg_s": round(own[0], 3),
                "plan_over_parse": round(plan[0] / pyyaml[0], 2),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"\ngladcfg --help: {help_wall * 1000:.0f} ms (bare python: {bare_wall * 1000:.0f} ms)\n")
    print(
        "| resources | plan (wall) | plan peak RSS | parse only, PyYAML+libyaml "
        "| parse only, gladcfg reader | plan ÷ parse |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['resources']:,} | {r['plan_s']:.2f} s | {r['plan_rss_mib']:.0f} MiB | "
            f"{r['parse_pyyaml_s']:.2f} s | {r['parse_gladcfg_s']:.2f} s | "
            f"{r['plan_over_parse']:.2f}× |"
        )
    print()
    for line in targets(help_wall, bare_wall, rows):
        print(line)
    if args.json:
        args.json.write_text(
            json.dumps({"help_s": help_wall, "bare_s": bare_wall, "sizes": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
