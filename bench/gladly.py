"""Benchmark a plan over the gladly adapter against the local sandbox.

2,000 answers in two languages, already on the (sandbox) instance, declared unchanged in the
files: the plan must find no changes. Reports the requests the plan made, its wall time, and
the floor the rate limit sets (requests ÷ allowed requests per second), both at the rate this
run allowed and at Gladly's documented default (10 per second, 50 % budget).

Run: `python bench/gladly.py [--answers 2000] [--rate 500]`.
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


def write_project(root: Path, url: str, answers: int, rate: int) -> None:
    (root / "config").mkdir(parents=True)
    (root / "gladcfg.yaml").write_text(
        "version: 1\ninstances:\n  sandbox:\n    adapter: gladly\n"
        f"    base_url: {url}\n    user: bench@acme.example\n    token_env: GLADCFG_BENCH_TOKEN\n"
        f"    rate_limit: {{requests_per_second: {rate}, budget_percent: 100}}\n"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=500, help="Sandbox and client requests/s.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seed(root / "sandbox.json", args.answers)
        with BackgroundServer(
            root / "sandbox.json", token="bench", requests_per_second=args.rate
        ) as server:
            write_project(root / "project", server.url, args.answers, args.rate)
            env = {**os.environ, "GLADCFG_BENCH_TOKEN": "bench"}
            start = time.perf_counter()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gladcfg",
                    "-C",
                    str(root / "project"),
                    "-v",
                    "plan",
                    "-i",
                    "sandbox",
                    "--detailed-exitcode",
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            wall = time.perf_counter() - start
            requests = len(server.sandbox.log)
    if result.returncode != 0:
        raise SystemExit(
            f"plan exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    floor = requests / args.rate
    default_floor = requests / 5
    print(f"answers: {args.answers} in {len(LANGUAGES)} languages; plan found no changes")
    print(
        f"requests: {requests} (6 lists + {args.answers} answers"
        f" + {args.answers * len(LANGUAGES)} contents)"
    )
    print(
        f"wall time: {wall:.1f} s at {args.rate} requests/s; floor {floor:.1f} s (requests ÷ rate)"
    )
    print(f"at Gladly's default (10/s, 50 % budget = 5/s) the floor is {default_floor:.0f} s")


if __name__ == "__main__":
    main()
