"""A report made with ``--refresh=false`` against the sandbox says, per instance, what it
did not read again and how old it is, as status and plan do."""

from __future__ import annotations

from pathlib import Path

import html5lib

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox_snapshot import ANSWERS, project_yaml, server  # noqa: F401


def test_the_report_says_what_it_did_not_read_again(
    server: BackgroundServer,  # noqa: F811
    make_project: MakeProject,
    run_cli: RunCli,
    tmp_path: Path,
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan").exit_code == 0  # the snapshot: as Gladly answers
    out = tmp_path / "report.html"
    result = run_cli("-C", root, "report", "--refresh=false", "--out", out)
    assert result.exit_code == 0, result.output
    document = html5lib.parse(out.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    notes = [
        " ".join("".join(p.itertext()).split())
        for p in document.iter("p")
        if "Not read again" in "".join(p.itertext())
    ]
    assert len(notes) == 1
    assert notes[0].startswith("Not read again: 2 object(s) not read again (--refresh=false)")
