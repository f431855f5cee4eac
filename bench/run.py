"""Benchmark `gladcfg plan` and `gladcfg apply` on large projects against the mock instance.

For each size it generates a project (bench/generate.py), seeds the mock store with exactly
what the files declare, then measures, each in a fresh process (best of --repeat runs):

* plan:        `gladcfg plan -i bench --detailed-exitcode` (must exit 0: no changes)
* apply:       for each of --apply-sizes, `gladcfg apply -i bench --auto-approve` of the
               fresh project to an empty instance (every resource a create; one run each),
               with the time per object: linear growth keeps it flat
* parse-only:  the same process start, only parsing the same YAML files with libyaml
               (`yaml.load` with `CSafeLoader`, what most Python tools do)
* gladcfg-parse: the same, with gladcfg's own libyaml reader (gladcfg.yamlio)
* floor:       the least an unchanged plan must do, in one process: the same files' libyaml
               events, the store's rows fetched and their specs decoded
* templated:   for each of --templated, a project whose values are mostly templated
               (bench/generate.py --templated): plan with a cold template cache, then a
               warm one, against parsing the YAML it renders to
* saved:       for each of --saved-sizes, `gladcfg apply PLANFILE` (the plan-file checks,
               then planning again from the files against the instance re-read under its
               lock) against a fresh `gladcfg apply`, each timed up to its first write
* help:        `gladcfg --help`, against bare `python -c pass`
* validate:    `gladcfg validate` of the project `gladcfg init` writes, against the same,
               and against importing the libraries it runs on (click, PyYAML, Jinja's
               sandbox, pydantic with one model built): the floor under gladcfg's own share
* fleet:       for each of --fleet, `gladcfg plan --all` of that many instances of 200
               resources each (every one unchanged), with its peak RSS

Wall time and peak RSS of the measured process. Run: `make bench` (or
`python bench/run.py --sizes 1000 10000 50000 --apply-sizes 1000 10000 50000 100000`).
"""

from __future__ import annotations

import argparse
import json
import os
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


# The least a plan of an unchanged instance must do, in one process: read the files'
# libyaml events, fetch the store's rows and decode their specs.
FLOOR = """
import json, sqlite3, sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("config/**/*.yaml")):
    for _ in yaml.parse(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
        pass
db = sqlite3.connect(sys.argv[2])
for _kind, _name, _id, spec in db.execute("SELECT kind, name, id, spec FROM objects"):
    json.loads(spec)
"""

# What any validate pays before gladcfg's own code runs: the libraries it is built on, and
# pydantic's first model (which loads the rest of pydantic).
LIBRARIES = """
import click, jinja2.sandbox, pydantic, yaml
class Model(pydantic.BaseModel):
    x: int
"""


def measure(
    command: list[str],
    repeat: int,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> tuple[float, float]:
    """Best wall time (s) and its peak RSS (MiB) over ``repeat`` fresh processes."""
    best: tuple[float, float] | None = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
            env=env,
        ).stdout.split()
        wall, rss_kib, code = float(out[0]), int(out[1]), int(out[2])
        if code != 0:
            raise SystemExit(f"{' '.join(command)} exited {code}")
        if best is None or wall < best[0]:
            best = (wall, rss_kib / 1024)
    assert best is not None
    return best


# Runs gladcfg's CLI until the apply would make its first write, and writes how long that
# took (from process start) to the file named first: the planning and checking an apply
# does before it changes anything, fresh or of a saved plan.
UNTIL_FIRST_WRITE = """
import sys, time
start = time.perf_counter()
import gladcfg.engine.session as session
from gladcfg.cli.main import main

took = sys.argv[1]

def first_write(*args, **kwargs):
    with open(took, "w") as out:
        out.write(str(time.perf_counter() - start))
    raise SystemExit(0)

session.send_changes = first_write
sys.argv = ["gladcfg", *sys.argv[2:]]
main()
"""


def until_first_write(command: list[str], repeat: int) -> float:
    """Best time (s) of ``command`` (gladcfg's arguments) up to the apply's first write."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "took"
        for _ in range(repeat):
            subprocess.run(
                [sys.executable, "-c", UNTIL_FIRST_WRITE, str(out), *command],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            best = min(best, float(out.read_text()))
            out.unlink()
    return best


def measure_saved(size: int, repeat: int) -> dict[str, float]:
    """What binding a saved plan to its files costs: ``apply PLANFILE`` (the plan-file
    checks, then planning again against the instance re-read under its lock) against a
    fresh ``apply`` (planning), each up to its first write, of ``size`` creates."""
    folder = Path(tempfile.mkdtemp(prefix=f"gladcfg-bench-saved-{size}-"))
    try:
        generate(folder, size)
        plan = folder / "plan.json"
        base = ["-C", str(folder), "apply", "-i", "bench"]
        planned = ["-C", str(folder), "plan", "-i", "bench", "--out", str(plan)]
        subprocess.run(
            [sys.executable, "-m", "gladcfg", *planned],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        fresh = saved = float("inf")
        for _ in range(repeat):  # interleaved, so both see the same machine
            fresh = min(fresh, until_first_write([*base, "--auto-approve"], 1))
            saved = min(saved, until_first_write(["-C", str(folder), "apply", str(plan)], 1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "resources": size,
        "fresh_apply_planning_s": round(fresh, 3),
        "saved_apply_checks_s": round(saved, 3),
        "saved_over_fresh": round(saved / fresh, 2),
    }


def saved_targets(rows: list[dict[str, float]]) -> list[str]:
    """apply PLANFILE, binding included, within 1.3× of a fresh apply's planning."""
    return [
        f"- {r['resources']:,}: apply PLANFILE within 1.3× of a fresh apply's planning: "
        f"{r['saved_apply_checks_s']:.2f} s against {r['fresh_apply_planning_s']:.2f} s, "
        f"{r['saved_over_fresh']:.2f}× — {'met' if r['saved_over_fresh'] <= 1.3 else 'NOT MET'}"
        for r in rows
    ]


def seed(root: Path, instances: tuple[str, ...] = ("bench",)) -> None:
    """Make each mock instance hold exactly what its files declare."""
    from gladcfg.adapter.mock.adapter import MockAdapter
    from gladcfg.config import Workspace, load_desired

    workspace = Workspace.open(root)
    for name in instances:
        state = load_desired(workspace, name).states[name]
        objects = []
        if state.settings is not None:
            objects.append(("settings", "settings", state.settings.model.canonical()))
        for kind, by_name in state.resources.items():
            objects.extend((kind, key, item.model.canonical()) for key, item in by_name.items())
        config = workspace.instance(name)
        assert config.adapter == "mock"
        MockAdapter(name, config, root).seed(objects)


FLEET_RESOURCES = 200


def measure_fleet(instances: int, repeat: int) -> dict[str, float]:
    """``plan --all`` of ``instances`` instances of 200 resources each, all unchanged. As
    in a real fleet, the files are templated and each instance has its own region, so each
    renders files of its own."""
    folder = Path(tempfile.mkdtemp(prefix=f"gladcfg-bench-fleet-{instances}-"))
    try:
        generate(folder, FLEET_RESOURCES, templated=True)
        names = tuple(f"bench-{index:04d}" for index in range(instances))
        project = folder / "gladcfg.yaml"
        one = "  bench:\n    adapter: mock\n    safety: {min_existing: 1000000}\n"
        assert one in project.read_text()
        many = "".join(
            one.replace("bench:", f"{name}:\n    vars: {{region: r{index:04d}}}")
            for index, name in enumerate(names)
        )
        project.write_text(project.read_text().replace(one, many))
        seed(folder, names)
        command = [sys.executable, "-m", "gladcfg", "-C", str(folder), "plan", "--all"]
        wall, rss = measure([*command, "--detailed-exitcode"], repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"instances": instances, "plan_all_s": round(wall, 3), "plan_all_rss_mib": round(rss)}


def fleet_targets(rows: list[dict[str, float]]) -> list[str]:
    """Issue 28's fleet targets: 500 × 200 under 3 s; 5,000 × 200 under 30 s and 1 GiB."""
    lines = []
    for r in rows:
        limit = {500: 3.0, 5000: 30.0}.get(int(r["instances"]))
        if limit is None:
            continue
        wall = r["plan_all_s"]
        line = (
            f"- plan --all of {int(r['instances']):,} × {FLEET_RESOURCES} under {limit:.0f} s: "
            f"{wall:.2f} s — {'met' if wall < limit else 'NOT MET'}"
        )
        if r["instances"] == 5000:
            rss = r["plan_all_rss_mib"]
            line += (
                f"; peak RSS at most 1 GiB: {rss:.0f} MiB — {'met' if rss <= 1024 else 'NOT MET'}"
            )
        lines.append(line)
    return lines


def measure_validate(repeat: int) -> float:
    """Best wall time of ``gladcfg validate`` of the project ``gladcfg init`` writes."""
    with tempfile.TemporaryDirectory(prefix="gladcfg-bench-init-") as scratch:
        gladcfg = [sys.executable, "-m", "gladcfg"]
        subprocess.run([*gladcfg, "init", scratch], stdout=subprocess.DEVNULL, check=True)
        wall, _ = measure([*gladcfg, "-C", scratch, "validate"], repeat)
    return wall


def startup_targets(
    help_wall: float, validate_wall: float, bare_wall: float, libraries_wall: float
) -> list[str]:
    """Issue 28's start-up targets: ``--help`` within 50 ms of bare python, ``validate`` of
    ``gladcfg init``'s project within 120 ms; validate's line also gives the libraries'
    floor and gladcfg's own share above it."""
    lines = []
    for what, wall, limit in (("--help", help_wall, 50), ("validate (init)", validate_wall, 120)):
        over = (wall - bare_wall) * 1000
        verdict = "met" if over <= limit else "NOT MET"
        lines.append(f"- `{what}` within {limit} ms of bare python: +{over:.0f} ms — {verdict}")
    floor = (libraries_wall - bare_wall) * 1000
    lines[-1] += (
        f" (the libraries alone: +{floor:.0f} ms; gladcfg's own share: "
        f"{(validate_wall - libraries_wall) * 1000:.0f} ms)"
    )
    return lines


def write_rendered(root: Path, into: Path) -> None:
    """Each resource file as gladcfg renders it for the bench instance, into ``into``:
    what parsing alone would have to read."""
    from gladcfg.config import Workspace

    workspace = Workspace.open(root)
    context = workspace.context("bench")
    into.mkdir(parents=True, exist_ok=True)
    for index, rel in enumerate(workspace.files):
        (into / f"{index:04d}.yaml").write_text(workspace.rendered(rel, context))


def measure_templated(size: int, repeat: int) -> dict[str, float]:
    """Plan of a project whose values are mostly templated, against parsing the YAML it
    renders to: with a cold template cache (first run) and a warm one (best of the rest)."""
    folder = Path(tempfile.mkdtemp(prefix=f"gladcfg-bench-templated-{size}-"))
    # Outside the project: gladcfg uses no template cache inside the project it renders.
    cache = Path(tempfile.mkdtemp(prefix="gladcfg-bench-cache-"))
    try:
        generate(folder, size, templated=True)
        seed(folder)
        write_rendered(folder, folder / "rendered" / "config")
        env = {**os.environ, "GLADCFG_CACHE_DIR": str(cache)}
        plan = [sys.executable, "-m", "gladcfg", "-C", str(folder), "plan", "-i", "bench"]
        plan.append("--detailed-exitcode")
        cold = measure(plan, 1, env=env)
        warm = measure(plan, repeat, env=env)
        parse = measure([sys.executable, "-c", PARSE_PYYAML, str(folder / "rendered")], repeat)
        expressions = sum(p.read_text().count("{{") for p in folder.glob("config/*.yaml"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "resources": size,
        "expressions": expressions,
        "plan_cold_s": round(cold[0], 3),
        "plan_warm_s": round(warm[0], 3),
        "plan_rss_mib": round(warm[1], 1),
        "parse_rendered_s": round(parse[0], 3),
        "cold_over_parse": round(cold[0] / parse[0], 2),
        "warm_over_parse": round(warm[0] / parse[0], 2),
    }


def templated_table(rows: list[dict[str, float]]) -> list[str]:
    lines = [
        "| resources (templated) | `{{ }}` | plan, cold cache | plan, warm cache | plan peak RSS "
        "| parse the rendered YAML, PyYAML | cold ÷ parse | warm ÷ parse |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['resources']:,} | {r['expressions']:,} | {r['plan_cold_s']:.2f} s "
            f"| {r['plan_warm_s']:.2f} s | {r['plan_rss_mib']:.0f} MiB "
            f"| {r['parse_rendered_s']:.2f} s | {r['cold_over_parse']:.2f}× "
            f"| {r['warm_over_parse']:.2f}× |"
        )
    return lines


def templated_targets(rows: list[dict[str, float]]) -> list[str]:
    """A templated 10,000: warm within 1.2× of parsing what it renders to, cold within 1.5×."""
    lines = []
    for r in rows:
        if r["resources"] == 10_000:
            for label, ratio, limit in (
                ("warm", r["warm_over_parse"], 1.2),
                ("cold", r["cold_over_parse"], 1.5),
            ):
                verdict = "met" if ratio <= limit else "NOT MET"
                lines.append(
                    f"- 10,000 templated: plan ({label} template cache) within {limit}× of "
                    f"parsing the rendered YAML: {ratio:.2f}× — {verdict}"
                )
    return lines


def measure_apply(size: int, timeout: float) -> dict[str, float]:
    """A fresh apply of a generated project of ``size`` resources to an empty instance."""
    folder = Path(tempfile.mkdtemp(prefix=f"gladcfg-bench-apply-{size}-"))
    try:
        generate(folder, size)
        command = [sys.executable, "-m", "gladcfg", "-C", str(folder), "apply", "-i", "bench"]
        try:
            wall, rss = measure([*command, "--auto-approve"], 1, timeout)
        except subprocess.TimeoutExpired:
            wall, rss = float("inf"), float("nan")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "resources": size,
        "apply_s": round(wall, 3),
        "apply_rss_mib": round(rss, 1),
        "apply_ms_per_object": round(wall / size * 1000, 3),
    }


def apply_table(rows: list[dict[str, float]]) -> list[str]:
    lines = ["| resources | apply (wall) | per object | apply peak RSS |", "|---:|---:|---:|---:|"]
    for r in rows:
        done = r["apply_s"] != float("inf")
        wall = f"{r['apply_s']:.2f} s" if done else "did not finish"
        per = f"{r['apply_ms_per_object']:.3f} ms" if done else "—"
        rss = f"{r['apply_rss_mib']:.0f} MiB" if done else "—"
        lines.append(f"| {r['resources']:,} | {wall} | {per} | {rss} |")
    return lines


def apply_targets(rows: list[dict[str, float]]) -> list[str]:
    """The apply targets: 50,000 creates under 30 s, 100,000 within 10 s, each under
    300 MiB peak RSS, and linear growth (time per object at the largest size within 1.5× of
    10,000)."""
    by_size = {int(r["resources"]): r for r in rows}
    lines = []
    for size, limit in ((50_000, 30), (100_000, 10)):
        if size in by_size:
            wall, rss = by_size[size]["apply_s"], by_size[size]["apply_rss_mib"]
            lines.append(
                f"- {size:,}: apply within {limit} s: {wall:.2f} s — "
                f"{'met' if wall <= limit else 'NOT MET'}; peak RSS under 300 MiB: "
                f"{rss:.0f} MiB — {'met' if rss < 300 else 'NOT MET'}"
            )
    if 10_000 in by_size and len(by_size) > 1:
        largest = by_size[max(by_size)]
        growth = largest["apply_ms_per_object"] / by_size[10_000]["apply_ms_per_object"]
        lines.append(
            f"- linear: time per object at {max(by_size):,} ÷ at 10,000: {growth:.2f}× — "
            f"{'met' if growth <= 1.5 else 'NOT MET'}"
        )
    return lines


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
                f"- 50,000 unchanged: plan within 1.5× of the one-process floor (libyaml "
                f"events, the store's rows, their specs decoded): {r['plan_over_floor']:.2f}× "
                f"— {verdict(r['plan_over_floor'] <= 1.5)}"
            )
            lines.append(
                f"- 50,000: plan under 5 s: {r['plan_s']:.2f} s — {verdict(r['plan_s'] < 5)}"
            )
            lines.append(
                f"- 50,000: peak RSS at most 200 MiB: {r['plan_rss_mib']:.0f} MiB "
                f"— {verdict(r['plan_rss_mib'] <= 200)}"
            )
    return lines


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--apply-sizes", type=int, nargs="*", default=[1000, 10_000, 50_000, 100_000]
    )
    parser.add_argument(
        "--apply-timeout", type=float, default=1200, help="Give up on one apply after this (s)."
    )
    parser.add_argument(
        "--templated",
        type=int,
        nargs="*",
        default=[10_000],
        help="Sizes of projects whose values are mostly templated (plan with a cold and a "
        "warm template cache).",
    )
    parser.add_argument(
        "--saved-sizes",
        type=int,
        nargs="*",
        default=[10_000],
        help="Sizes at which to measure apply PLANFILE against a fresh apply's planning.",
    )
    parser.add_argument(
        "--fleet",
        type=int,
        nargs="*",
        default=[500],
        help=f"Fleet sizes for plan --all, of {FLEET_RESOURCES} resources an instance.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    gladcfg = [sys.executable, "-m", "gladcfg"]
    rows = []
    help_wall, _ = measure([*gladcfg, "--help"], args.repeat * 2)
    bare_wall, _ = measure([sys.executable, "-c", "pass"], args.repeat * 2)
    validate_wall = measure_validate(args.repeat * 2)
    libraries_wall, _ = measure([sys.executable, "-c", LIBRARIES], args.repeat * 2)
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
            store = folder / ".gladcfg/state/bench.db"
            floor = measure([sys.executable, "-c", FLOOR, str(folder), str(store)], args.repeat)
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
                "floor_s": round(floor[0], 3),
                "plan_over_floor": round(plan[0] / floor[0], 2),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        f"\ngladcfg --help: {help_wall * 1000:.0f} ms, validate of init's project: "
        f"{validate_wall * 1000:.0f} ms (bare python: {bare_wall * 1000:.0f} ms, its libraries "
        f"alone: {libraries_wall * 1000:.0f} ms)\n"
    )
    print(
        "| resources | plan (wall) | plan peak RSS | parse only, PyYAML+libyaml "
        "| parse only, gladcfg reader | plan ÷ parse | floor | plan ÷ floor |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['resources']:,} | {r['plan_s']:.2f} s | {r['plan_rss_mib']:.0f} MiB | "
            f"{r['parse_pyyaml_s']:.2f} s | {r['parse_gladcfg_s']:.2f} s | "
            f"{r['plan_over_parse']:.2f}× | {r['floor_s']:.2f} s | {r['plan_over_floor']:.2f}× |"
        )
    templated = []
    for size in args.templated:
        templated.append(measure_templated(size, args.repeat))
        print(json.dumps(templated[-1]), file=sys.stderr)
    if templated:
        print()
        print("\n".join(templated_table(templated)))
    applies = []
    for size in args.apply_sizes:
        applies.append(measure_apply(size, args.apply_timeout))
        print(json.dumps(applies[-1]), file=sys.stderr)
    print()
    print("\n".join(apply_table(applies)))
    saved = []
    for size in args.saved_sizes:
        saved.append(measure_saved(size, args.repeat))
        print(json.dumps(saved[-1]), file=sys.stderr)
    print()
    fleets = []
    for instances in args.fleet:
        fleets.append(measure_fleet(instances, args.repeat))
        print(json.dumps(fleets[-1]), file=sys.stderr)
    checks = [*targets(help_wall, bare_wall, rows), *templated_targets(templated)]
    checks += startup_targets(help_wall, validate_wall, bare_wall, libraries_wall)
    checks += fleet_targets(fleets)
    for line in [*checks, *apply_targets(applies), *saved_targets(saved)]:
        print(line)
    if args.json:
        figures = {
            "help_s": help_wall,
            "bare_s": bare_wall,
            "validate_s": validate_wall,
            "libraries_s": libraries_wall,
            "fleets": fleets,
            "sizes": rows,
            "templated": templated,
            "applies": applies,
            "saved": saved,
        }
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
