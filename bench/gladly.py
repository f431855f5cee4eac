"""Benchmark plans over the gladly adapter against the local sandbox, at Gladly's rate limit.

For each size (--answers, default 200 and 2,000), answers in two languages already on the
(sandbox) instance and declared unchanged in the files, so every plan must find no changes:

* full read: `gladcfg plan` reads every answer and every declared language × type, since
  Gladly has no answer list. Measured at the default budget (Gladly's documented 10
  requests/s, the project's default 50 %: 5 requests/s) up to --measure-full answers; above
  that its request count is measured at a fast rate and its time at the default budget is
  projected as requests ÷ 5/s (the client's limiter sets exactly that pace; say
  --measure-full 2000 to wait the twenty minutes instead).
* fast path: `gladcfg plan --refresh=false` right after, at the default budget: answers the
  full read saw are taken from its snapshot (only the lists are read again).

Target: the fast-path plan of 2,000 answers within 60 s at the default budget. Each line
prints requests, wall time, the target where there is one, and met / not met.

Run: `make bench`, or `python bench/gladly.py [--answers 200 2000] [--measure-full 200]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gladcfg.adapter.gladly.kinds.answers import answer_id, body_html
from gladcfg.sandbox import BackgroundServer

LANGUAGES = ("en-US", "es-US")
DEFAULT_RATE, DEFAULT_BUDGET = 10, 50  # Gladly's documented rate, gladcfg's default budget
DEFAULT_PACE = DEFAULT_RATE * DEFAULT_BUDGET / 100
FAST_RATE = 500
TARGET_ANSWERS, TARGET_SECONDS = 2000, 60.0


def write_project(root: Path, url: str, answers: int, rate: int, budget: int) -> None:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "gladcfg.yaml").write_text(
        "version: 1\ninstances:\n  sandbox:\n    adapter: gladly\n"
        f"    base_url: {url}\n    user: bench@acme.example\n    token_env: GLADCFG_BENCH_TOKEN\n"
        f"    rate_limit: {{requests_per_second: {rate}, budget_percent: {budget}}}\n"
    )
    lines = ["answers:\n"]
    for i in range(answers):
        lines.append(f"  answer-{i}:\n    content:\n")
        for language in LANGUAGES:
            lines.append(f'      {language}: {{messaging: "Answer {i} in {language}."}}\n')
    (root / "config" / "answers.yaml").write_text("".join(lines))


def seed(state: Path, answers: int) -> None:
    stored = {}
    for i in range(answers):
        name = f"answer-{i}"
        ident = answer_id(name)
        contents = {
            f"{lang.lower()}/messaging": {
                "answerId": ident,
                "language": lang.lower(),
                "type": "messaging",
                "bodyHtml": body_html(f"Answer {i} in {lang}."),
            }
            for lang in LANGUAGES
        }
        stored[ident] = {
            "id": ident,
            "name": name,
            "description": None,
            "audienceIds": [],
            "createdAt": "2026-01-01T00:00:00Z",
            "contents": contents,
        }
    state.write_text(
        json.dumps({"languages": [lang.lower() for lang in LANGUAGES], "answers": stored})
    )


def plan(
    server: BackgroundServer, project: Path, env: dict[str, str], *extra: str
) -> tuple[int, float]:
    """One `gladcfg plan` in a fresh process: the requests it sent and its wall time."""
    before = len(server.sandbox.log)
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gladcfg",
            "-C",
            str(project),
            "plan",
            "--detailed-exitcode",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"plan exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return len(server.sandbox.log) - before, wall


def verdict(wall: float, target: float) -> str:
    return f"target < {target:.0f} s: {'met' if wall < target else 'NOT met'}"


def measure(answers: int, measure_full: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seed(root / "sandbox.json", answers)
        env = {
            **os.environ,
            "GLADCFG_BENCH_TOKEN": "bench",
            "GLADCFG_CACHE_DIR": str(root / "cache"),  # no snapshot to start with
        }
        project = root / "project"
        with BackgroundServer(
            root / "sandbox.json", token="bench", requests_per_second=FAST_RATE
        ) as server:
            if answers <= measure_full:
                write_project(project, server.url, answers, DEFAULT_RATE, DEFAULT_BUDGET)
                requests, wall = plan(server, project, env)
                full = f"{requests} requests, {wall:.1f} s measured at 5 requests/s"
            else:
                write_project(project, server.url, answers, FAST_RATE, 100)
                requests, wall = plan(server, project, env)
                full = (
                    f"{requests} requests ({wall:.1f} s at {FAST_RATE}/s), "
                    f"{requests / DEFAULT_PACE:.0f} s projected at 5 requests/s"
                )
            write_project(project, server.url, answers, DEFAULT_RATE, DEFAULT_BUDGET)
            fast_requests, fast_wall = plan(server, project, env, "--refresh=false")
    print(f"{answers} answers in {len(LANGUAGES)} languages, default budget (5 requests/s):")
    print(f"  full read:            {full}")
    line = f"  fast (--refresh=false): {fast_requests} requests, {fast_wall:.1f} s measured"
    if answers == TARGET_ANSWERS:
        line += f"; {verdict(fast_wall, TARGET_SECONDS)}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, nargs="+", default=[200, TARGET_ANSWERS])
    parser.add_argument(
        "--measure-full",
        type=int,
        default=200,
        metavar="N",
        help="Wait out full reads at the default budget up to N answers; project above.",
    )
    args = parser.parse_args()
    for answers in args.answers:
        measure(answers, args.measure_full)


if __name__ == "__main__":
    main()
