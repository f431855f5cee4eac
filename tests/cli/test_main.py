"""Global options, exit codes and the single error handler."""

from __future__ import annotations

import pytest

import gladcfg
from gladcfg.cli.main import EXIT_INTERRUPTED
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli


def test_version_and_help(run_cli: RunCli) -> None:
    assert run_cli("--version").stdout.strip() == f"gladcfg, version {gladcfg.__version__}"
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("init", "validate", "schema"):
        assert command in result.stdout


def test_usage_errors_exit_1(run_cli: RunCli, make_project: MakeProject) -> None:
    assert run_cli("no-such-command").exit_code == 1
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "validate", "-i", "prod", "--all")
    assert result.exit_code == 1
    assert "not both" in result.stderr


def test_unknown_instance_suggests(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "validate", "-i", "prdo")
    assert result.exit_code == 1
    assert "unknown instance 'prdo' (did you mean 'prod'?)" in result.stderr


def test_single_instance(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "validate", "-i", "prod")
    assert result.exit_code == 0
    assert "prod (8 resources)" in result.stdout and "staging" not in result.stdout


def test_no_project(run_cli: RunCli, tmp_path: object) -> None:
    result = run_cli("-C", tmp_path, "validate")
    assert result.exit_code == 1
    assert "no gladcfg.yaml" in result.stderr and "gladcfg init" in result.stderr


@pytest.mark.parametrize(
    ("project_yaml", "expected"),
    [
        ("version: 2\ninstances: {a: {}}\n", ["gladcfg.yaml:1:10", "version", "expected one of 1"]),
        ("version: 1\n", ["gladcfg.yaml:1:1", "instances", "missing required field"]),
        (
            "version: 1\ninstances:\n  a: {adapter: mok}\n",
            ["gladcfg.yaml:3:6", "instances.a", "unknown adapter 'mok'"],
        ),
        (
            "version: 1\ninstances:\n  a: {adapter: gladly, base_url: 'http://acme.gladly.com', "
            "user: ops@acme.example, token_env: T}\n",
            ["gladcfg.yaml:3:34", "instances.a.base_url", "must use https"],
        ),
        (
            "version: 1\ninstances:\n  a: {adapter: gladly, base_url: 'https://x.gladly.com', "
            "user: ops@acme.example, token_env: 'my token'}\n",
            ["instances.a.token_env", "should match pattern"],
        ),
        (
            "version: 1\ninstances:\n  a: {adapter: gladly, base_url: 'x', user: o@a.example, "
            "token_env: T}\n",
            ["instances.a.base_url", "is not a URL"],
        ),
        (
            "version: 1\ninstances:\n  a:\n    protect: ['inbox.us-*']\n",
            ["gladcfg.yaml:4:15", "instances.a.protect[0]", "did you mean 'inboxes'?"],
        ),
        (
            "version: 1\ninstances:\n  a:\n    ignore: [answers]\n",
            ["instances.a.ignore[0]", "is not an address"],
        ),
        (
            "version: 1\ninstances:\n  a: {path: ../../elsewhere.json}\n",
            ["gladcfg.yaml:3:13", "instances.a.path", "leaves the project folder"],
        ),
        (
            "version: 1\ninstances:\n  a: {safty: {}}\n",
            ["instances.a.safty", "did you mean 'safety'?"],
        ),
        ("version: 1\ninstances: [a\n", ["gladcfg.yaml:3:1", "invalid YAML"]),
        ("version: 1\ninstances: {a: {}, a: {}}\n", ["gladcfg.yaml:2:20", "declared twice"]),
    ],
)
def test_project_file_errors(
    run_cli: RunCli, make_project: MakeProject, project_yaml: str, expected: list[str]
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project_yaml)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert any(all(e in line for e in expected) for line in result.stderr.splitlines()), (
        result.stderr
    )


def test_project_file_not_utf8(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({})
    (root / "gladcfg.yaml").write_bytes(b"version: 1\n\xff\n")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "gladcfg.yaml:2: error: is not UTF-8 text" in result.stderr


def test_glob_matching_nothing_warns(run_cli: RunCli, make_project: MakeProject) -> None:
    project = PROJECT_YAML.replace('["config/**/*.yaml"]', '["config/**/*.yaml", "extra/*.yaml"]')
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 0
    assert (
        "gladcfg.yaml:2:33: warning: resources[1]: 'extra/*.yaml' matches no file" in result.stderr
    )


def test_unexpected_errors_are_reported_without_traceback(
    run_cli: RunCli, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("gladcfg.config.validate", boom)
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "internal error: RuntimeError: bug (run with -v for details)" in result.stderr
    assert "Traceback" not in result.output
    verbose = run_cli("-C", root, "-v", "validate")
    assert "Traceback" in verbose.stderr


def test_interrupt_exits_130(
    run_cli: RunCli, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("gladcfg.config.validate", interrupted)
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    assert run_cli("-C", root, "validate").exit_code == EXIT_INTERRUPTED


def test_public_api_is_pinned() -> None:
    assert gladcfg.__all__ == [
        "KINDS",
        "ConfigError",
        "DesiredState",
        "GladcfgError",
        "Problem",
        "Project",
        "ResourceFile",
        "Severity",
        "ValidationReport",
        "Workspace",
        "__version__",
        "load_desired",
        "validate",
    ]
    assert set(gladcfg.__all__) == {"__version__", *gladcfg._EXPORTS}
    for name in gladcfg.__all__:
        assert getattr(gladcfg, name) is not None
    with pytest.raises(AttributeError):
        gladcfg.nothing  # noqa: B018


def test_verbose_adds_detail(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "-v", "validate")
    assert result.exit_code == 0
    assert "1 resource file(s), 2 instance(s)" in result.stderr
    assert "prod: 8 resource(s) declared" in result.stderr


def test_the_kind_literal_of_gladcfg_yaml_is_the_list_of_kinds() -> None:
    from typing import get_args

    from gladcfg.model.kinds import KINDS
    from gladcfg.model.project import KindName

    assert get_args(KindName) == KINDS


def _modules_loaded_by(*args: str) -> set[str]:
    """The modules a fresh process has loaded once ``gladcfg ARGS`` has run in it."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from gladcfg.cli.main import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_module() -> None:
    """``gladcfg --help`` stays fast because commands import pydantic, Jinja, httpx and
    friends only when they run (the time itself is measured by the benchmark)."""
    heavy = ("pydantic", "jinja2", "httpx", "deepdiff", "rich", "ruamel", "yaml")
    assert sorted(m for m in _modules_loaded_by("--help") if m.split(".")[0] in heavy) == []


def test_one_command_loads_its_own_module_and_no_other_command_s() -> None:
    """A run of ``validate`` imports validate's module, never plan's, apply's or graph's:
    each command is loaded only when it runs or help lists it."""
    from gladcfg.cli.main import COMMANDS

    modules = {target.partition(":")[0] for target in COMMANDS.values()}
    assert modules & _modules_loaded_by("validate", "--help") == {"gladcfg.cli.validate"}


def test_help_lists_every_command_by_the_name_it_runs_under(run_cli: RunCli) -> None:
    import click

    from gladcfg.cli.main import COMMANDS, cli

    listed = run_cli("--help").stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line.startswith("  ") and line[2] != " "]
    assert names == list(COMMANDS)
    with click.Context(cli) as ctx:
        for name in COMMANDS:
            command = cli.get_command(ctx, name)
            assert command is not None
            assert command.name == name


def test_a_mistyped_command_is_suggested_among_those_not_loaded_yet() -> None:
    """In a fresh process, where no command's module is loaded yet."""
    import subprocess
    import sys

    for args, suggestion in ((["valdate"], "validate"), (["state", "shw"], "show")):
        result = subprocess.run(
            [sys.executable, "-m", "gladcfg", *args], capture_output=True, text=True, check=False
        )
        assert result.returncode == 1
        assert f"No such command {args[-1]!r}. Did you mean {suggestion!r}?" in result.stderr
