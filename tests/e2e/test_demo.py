"""``make demo`` as a newcomer sees it in a CI log or a pipe: plain text (no escape codes), every
step exiting as it says, and at the end how to run the gladcfg it used, which works as
printed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_plain_when_piped_and_ends_with_how_to_run_gladcfg(tmp_path: Path) -> None:
    gladcfg = shutil.which("gladcfg", path=str(Path(sys.executable).parent))
    assert gladcfg is not None
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    demo = subprocess.run(
        ["bash", str(ROOT / "scripts/demo.sh"), gladcfg],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "\x1b" not in demo.stdout + demo.stderr
    assert "\n$ gladcfg apply -i staging --auto-approve\n" in demo.stdout
    exported = re.search(r'^  export PATH="(.+):\$PATH"$', demo.stdout, re.MULTILINE)
    assert exported is not None, demo.stdout
    assert Path(exported[1]) == Path(gladcfg).parent
    # What it says to run next, run as printed, with only that directory added to PATH.
    bare = {**env, "PATH": f"{exported[1]}:/usr/bin:/bin"}
    first = subprocess.run(
        "gladcfg init my-project && cd my-project && gladcfg validate",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env=bare,
        cwd=tmp_path,
        timeout=120,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert (tmp_path / "my-project/gladcfg.yaml").is_file()
