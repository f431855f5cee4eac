"""The GitHub Actions example and the pre-commit hook.

The workflows are run here the way GitHub runs them, job after job, against a git copy of
``examples/acme`` whose instances are mock stores: each ``run:`` script in bash with its
workflow's, job's and step's environment, and the few actions they use played by stand-ins
(``checkout``: the copy at the run's commit; ``upload-artifact``/``download-artifact``: a
folder per run; ``github-script``: the comment it would post; ``gh``: a script answering
from this test's record of runs, artifacts and merged pull requests, as the real ``gh``
would after its ``--jq`` filter). What GitHub itself does — environments' reviewers,
concurrency — is checked in the files, and the files by a real workflow linter.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gladcfg import yamlio
from gladcfg.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = REPO / "examples/ci/.github/workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
ACME = REPO / "examples/acme"
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REPOSITORY = "acme/support-config"
INSTANCES = ("staging", "prod-us", "prod-eu")
TOKENS = {name: f"GLADLY_{name.upper().replace('-', '_')}_TOKEN" for name in INSTANCES}
WAVES = {"canary": ["staging"], "first": ["prod-us"], "rest": ["prod-eu"]}


def load(path: Path) -> Any:
    return yamlio.load(path.read_text(encoding="utf-8")).data


# --- The files -----------------------------------------------------------------------------


def test_there_are_workflows_for_plan_apply_and_drift() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "gladcfg-plan.yml",
        "gladcfg-apply.yml",
        "gladcfg-apply-instance.yml",
        "gladcfg-drift.yml",
        "gladcfg-rollout.yml",
    }


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_well_formed(path: Path) -> None:
    workflow = load(path)
    assert set(workflow) >= {"name", "on", "jobs"}, "`on` must stay a string key (YAML 1.2)"
    for name, job in workflow["jobs"].items():
        assert ("runs-on" in job) != ("uses" in job), f"{name}: runs-on or uses, not both"
        if "uses" in job:
            assert (REPO / "examples/ci" / job["uses"]).is_file(), job["uses"]
            continue
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"{name}: {step}"


def test_applies_never_race_and_are_gated_by_environments() -> None:
    apply = load(WORKFLOW_DIR / "gladcfg-apply-instance.yml")["jobs"]
    job = apply["apply"]
    assert job["concurrency"] == {
        "group": "gladcfg-apply-${{ inputs.instance }}",
        "cancel-in-progress": False,
    }
    assert job["environment"] == "${{ inputs.instance }}"
    # The plan the reviewers approve is found and shown before the gate, by a job that
    # holds no instance's token.
    assert job["needs"] == "reviewed-plan" and "environment" not in apply["reviewed-plan"]
    promote = load(WORKFLOW_DIR / "gladcfg-apply.yml")["jobs"]
    assert list(promote) == ["staging", "prod-us", "prod-eu"]
    assert "needs" not in promote["staging"]
    assert promote["prod-us"]["needs"] == "staging" and promote["prod-eu"]["needs"] == "staging"
    plan = load(WORKFLOW_DIR / "gladcfg-plan.yml")["jobs"]["plan"]
    assert "matrix.instance" in plan["concurrency"]["group"]
    assert plan["environment"] == "${{ matrix.instance }}-read"


def _jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            yield path.name, name, job


def test_each_job_sees_only_its_own_instances_token() -> None:
    secrets = re.compile(r"secrets\s*(?:\.\s*\w+|\[[^\]]*\])")
    for path in WORKFLOWS:
        expressions = EXPRESSION.findall(path.read_text(encoding="utf-8"))
        used = {secret for e in expressions for secret in secrets.findall(e)}
        named = {f"secrets.{token}" for token in TOKENS.values()}
        assert used <= {"secrets[matrix.token_env]", "secrets[inputs.token_env]", *named}
    for workflow, name, job in _jobs():
        if workflow == "gladcfg-rollout.yml":  # a wave sees its own instances' tokens only
            (step,) = [s for s in job["steps"] if "env" in s]
            assert step["env"] == {
                TOKENS[name]: f"${{{{ secrets.{TOKENS[name]} }}}}" for name in WAVES[name]
            }
            assert "env" not in job and job["environment"] == f"rollout-{name}"
            continue
        if "secrets." in json.dumps(job):  # every instance's token: the fleet report only
            assert (workflow, name, job["environment"]) == (
                "gladcfg-drift.yml",
                "report",
                "fleet-read",
            )
            commands = [c for s in job["steps"] if "run" in s for c in gladcfg_commands(s["run"])]
            assert [c[c.index("--no-color") + 1] for c in commands] == ["report"]
        if "uses" in job:  # a promotion step names its instance's token variable
            assert job["with"]["token_env"] == TOKENS[job["with"]["instance"]]
            assert job["secrets"] == "inherit"
            continue
        matrix = job.get("strategy", {}).get("matrix", {})
        for entry in matrix.get("include", []):
            assert entry["token_env"] == TOKENS[entry["instance"]], f"{workflow}: {name}"
        # Only in the steps that run gladcfg against the instance, never job-wide.
        assert "secrets" not in json.dumps(job.get("env", {})), f"{workflow}: {name}"
        for step in job["steps"]:
            if "secrets" in json.dumps(step.get("env", {})):
                assert "run" in step and "gladcfg" in step["run"], f"{workflow}: {name}"


def gladcfg_commands(script: str) -> list[list[str]]:
    """Each ``gladcfg …`` command line in a shell script, as argv after ``gladcfg``."""
    script = EXPRESSION.sub("x", script.replace("\\\n", " "))
    commands = []
    for line in script.splitlines():
        words = shlex.split(line.replace('"$PROJECT"', "."), comments=True)
        if "gladcfg" not in words or words[0] in ("echo", "pip"):
            continue
        argv = []
        for word in words[words.index("gladcfg") + 1 :]:
            if word in (">", ">>", "|", "&&", ";", "then"):
                break
            argv.append(word)
        commands.append(argv)
    return commands


def _scripts() -> list[tuple[str, str]]:
    found = [
        (workflow, step["run"])
        for workflow, _, job in _jobs()
        for step in job.get("steps", [])
        if "run" in step
    ]
    hooks = load(REPO / ".pre-commit-hooks.yaml")
    found.extend((".pre-commit-hooks.yaml", hook["entry"]) for hook in hooks)
    return found


def test_every_gladcfg_command_is_valid() -> None:
    commands = [(name, argv) for name, script in _scripts() for argv in gladcfg_commands(script)]
    used = {
        argv[next(i for i, a in enumerate(argv) if not a.startswith("-") and a != ".")]
        for _, argv in commands
        if argv
    }
    assert {"validate", "plan", "show", "apply", "status", "pull"} <= used
    runner = CliRunner()
    for name, argv in commands:
        # Options are checked as click parses them; --help then stops before any work.
        result = runner.invoke(cli, [*argv, "--help"])
        assert result.exit_code == 0, f"{name}: gladcfg {' '.join(argv)}: {result.output}"


def test_the_pre_commit_hook() -> None:
    (hook,) = load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "gladcfg-validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "config/us.yaml") and re.search(hook["files"], "gladcfg.yaml")


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=str(BIN))
    assert binary is not None, "actionlint comes with the test extras: pip install -e '.[test]'"
    return subprocess.run(
        [binary, "-no-color", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_actionlint_finds_nothing_wrong_in_the_workflows() -> None:
    result = actionlint(*WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_does_check_them(tmp_path: Path) -> None:
    """The clean result above means something: a slip in a copy is found."""
    broken = tmp_path / ".github/workflows"
    shutil.copytree(WORKFLOW_DIR, broken)
    apply = broken / "gladcfg-apply-instance.yml"
    text = apply.read_text(encoding="utf-8").replace("needs: reviewed-plan", "needs: reviewd-plan")
    # With shellcheck installed, actionlint checks the scripts too (optional: not a test extra).
    text = text.replace('show "$out/plan.json"', "show $out/plan.json")
    apply.write_text(text, "utf-8")
    result = actionlint(*sorted(broken.glob("*.yml")))
    assert result.returncode == 1
    assert "reviewd-plan" in result.stdout and "gladcfg-apply-instance.yml" in result.stdout
    assert ("SC2086" in result.stdout) == (shutil.which("shellcheck") is not None)


# --- The workflows, run ------------------------------------------------------------------

FAKE_GH = """\
import json, os, re, shutil, sys
from pathlib import Path

github = json.loads(Path(os.environ["FAKE_GITHUB"]).read_text())
args = sys.argv[1:]
repo = re.escape(os.environ["GH_REPO"])
if not os.environ.get("GH_TOKEN"):
    sys.exit("gh: GH_TOKEN is not set")
if args[:1] == ["api"]:
    pulls = re.fullmatch(rf"repos/{repo}/commits/(\\w+)/pulls", args[1])
    runs = re.fullmatch(
        rf"repos/{repo}/actions/workflows/([\\w.-]+)/runs\\?head_sha=(\\w+)&per_page=\\d+", args[1]
    )
    if pulls:
        print("\\n".join(github["merged"].get(pulls[1], [])))
        sys.exit(0)
    if runs:
        found = [r for r in github["runs"] if (r["workflow"], r["head_sha"]) == runs.groups()]
        print("\\n".join(str(r["id"]) for r in reversed(found)))
        sys.exit(0)
elif args[:2] == ["run", "download"]:
    name, folder = args[args.index("--name") + 1], args[args.index("--dir") + 1]
    for run in github["runs"]:
        artifact = Path(run["artifacts"]) / name
        if str(run["id"]) == args[2] and artifact.is_dir():
            shutil.copytree(artifact, folder, dirs_exist_ok=True)
            sys.exit(0)
    sys.exit(f"no artifact matches {name}")
sys.exit(f"the fake gh does not know: gh {' '.join(args)}")
"""


@dataclass
class Run:
    """One workflow run: its commit and its artifacts, a folder each."""

    id: int
    workflow: str
    head_sha: str
    artifacts: Path

    def artifact(self, name: str) -> Path:
        return self.artifacts / name


@dataclass
class Job:
    """What a job left behind: whether it passed, its log, its summary, and what it
    posted (a pull-request comment, a pull request)."""

    name: str
    ok: bool = True
    log: str = ""
    summary: str = ""
    comment: str | None = None
    pull_request: str | None = None


class Ci:
    """A repository holding examples/acme, the GitHub around it, and the workflows' runner."""

    def __init__(self, root: Path, base: Path) -> None:
        self.repo = root / "repo"
        shutil.copytree(base, self.repo, symlinks=True)
        self.folder = root / "github"
        self.bin = self.folder / "bin"
        self.bin.mkdir(parents=True)
        gh = self.bin / "gh"
        gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
        gh.chmod(0o755)
        self.runs: list[Run] = []
        self.merged: dict[str, list[str]] = {}
        self._jobs = itertools.count(1)
        self.caches = self.folder / "caches"
        self.caches.mkdir()
        self.restored: list[str] = []  # the keys cache steps restored

    # The repository, as the people working on it change it.

    def git(self, *args: str) -> str:
        return git(self.repo, *args)

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.repo / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer holds {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def open_pull_request(self) -> str:
        """A branch that updates a team and adds a topic on every instance; its head."""
        self.git("checkout", "-q", "-b", "more-billing", "main")
        self.edit(
            "config/organization.yaml",
            'billing: {description: "Billing specialists, all regions"}',
            'billing: {description: "Billing and refunds, all regions"}',
        )
        self.edit(
            "config/organization.yaml",
            "  shipping-delay: {parent: shipping}\n",
            "  shipping-delay: {parent: shipping}\n  shipping-lost: {parent: shipping}\n",
        )
        self.git("commit", "-q", "-am", "Billing handles refunds; a topic for lost parcels")
        return self.git("rev-parse", "HEAD")

    def merge(self, head: str) -> str:
        """Merge the pull request whose head is ``head`` into main; the merge commit."""
        self.git("checkout", "-q", "main")
        self.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7", head)
        sha = self.git("rev-parse", "HEAD")
        self.merged[sha] = [head]
        return sha

    def gladcfg(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gladcfg", "--no-color", *args],
            cwd=self.repo,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    # The runner.

    def run(self, workflow: str, *, event: str, sha: str) -> tuple[Run, dict[str, Job]]:
        """Run ``workflow`` for ``event`` at commit ``sha``, jobs in the order their
        ``needs`` give; a job whose needs did not all pass is skipped (absent)."""
        run = Run(len(self.runs) + 1, workflow, sha, self.folder / f"runs/{len(self.runs) + 1}")
        run.artifacts.mkdir(parents=True)
        self.runs.append(run)
        context = {
            "github.sha": sha,
            "github.event_name": event,
            "github.repository": REPOSITORY,
            "github.token": "github-token-for-this-run",
            "github.run_id": str(run.id),
        }
        jobs: dict[str, Job] = {}
        self._workflow(load(WORKFLOW_DIR / workflow), context, run, "", jobs)
        return run, jobs

    def _workflow(
        self,
        workflow: dict[str, Any],
        context: dict[str, str],
        run: Run,
        prefix: str,
        jobs: dict[str, Job],
    ) -> bool:
        passed: dict[str, bool] = {}
        for name, job in _in_order(workflow["jobs"]):
            needs = job.get("needs", [])
            if not all(passed.get(n) for n in ([needs] if isinstance(needs, str) else needs)):
                passed[name] = False
                continue
            if "uses" in job:
                called = load(REPO / "examples/ci" / job["uses"])
                inputs = {f"inputs.{k}": str(v) for k, v in job["with"].items()}
                passed[name] = self._workflow(
                    called, {**context, **inputs}, run, f"{prefix}{name} / ", jobs
                )
                continue
            passed[name] = True
            for matrix in _matrix(job):
                label = f"{prefix}{name}" + (f" ({matrix['matrix.instance']})" if matrix else "")
                jobs[label] = result = self._job(workflow, job, {**context, **matrix}, run, label)
                passed[name] &= result.ok
        return all(passed.values())

    def _job(
        self,
        workflow: dict[str, Any],
        job: dict[str, Any],
        context: dict[str, str],
        run: Run,
        label: str,
    ) -> Job:
        temp = self.folder / f"jobs/{next(self._jobs)}"
        temp.mkdir(parents=True)
        context = {**context, "runner.temp": str(temp)}
        self.git("checkout", "-q", "--detach", context["github.sha"])
        summary = temp.parent / f"{temp.name}-summary.md"
        summary.touch()
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(self.bin), str(BIN), os.environ["PATH"]]),
            "CI": "true",
            "RUNNER_TEMP": str(temp),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(temp.parent / f"{temp.name}-output"),
            "GITHUB_SHA": context["github.sha"],
            "GITHUB_EVENT_NAME": context["github.event_name"],
            "GITHUB_REPOSITORY": REPOSITORY,
            "FAKE_GITHUB": str(self._publish()),
            # A fresh runner: nothing cached but what a cache step restores.
            "GLADCFG_CACHE_DIR": str(temp / "home/.cache/gladcfg"),
        }
        env.update(_evaluated(workflow.get("env", {}), context))
        env.update(_evaluated(job.get("env", {}), context))
        result = Job(label)
        for step in job["steps"]:
            condition = step.get("if", "success()")
            if not _condition(condition, context, failed=not result.ok):
                continue
            step_env = {**env, **_evaluated(step.get("env", {}), context)}
            ok, log = self._step(step, step_env, context, run, result)
            result.log += log
            result.ok &= ok
        result.summary = summary.read_text(encoding="utf-8")
        self.git("checkout", "-q", "main")
        return result

    def _step(
        self,
        step: dict[str, Any],
        env: dict[str, str],
        context: dict[str, str],
        run: Run,
        job: Job,
    ) -> tuple[bool, str]:
        if "run" in step:
            if step["run"].strip() == "pip install gladcfg":
                return True, ""  # this environment's gladcfg is on PATH
            script = Path(env["RUNNER_TEMP"]).parent / f"{Path(env['RUNNER_TEMP']).name}.sh"
            script.write_text(step["run"], encoding="utf-8")
            done = subprocess.run(
                ["bash", "-e", str(script)],
                cwd=self.repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            return done.returncode == 0, done.stdout + done.stderr
        action, _, _ = step["uses"].partition("@")
        given = _evaluated(step.get("with", {}), context)
        if action in ("actions/checkout", "actions/setup-python"):
            return True, ""
        if action == "actions/upload-artifact":
            return _upload(run.artifact(given["name"]), given)
        if action == "actions/download-artifact":
            source = run.artifact(given["name"])
            if not source.is_dir():
                return False, f"Artifact not found: {given['name']}\n"
            shutil.copytree(source, given["path"], dirs_exist_ok=True)
            return True, ""
        if action == "actions/github-script":
            # The comment is the file the script reads; the rest of it is GitHub's API.
            (read,) = re.findall(r"readFileSync\(`([^`]+)`", given["script"])
            plan = Path(read.replace("${process.env.RUNNER_TEMP}", env["RUNNER_TEMP"]))
            if not plan.is_file():
                return False, f"ENOENT: no such file {plan}\n"
            job.comment = plan.read_text(encoding="utf-8")
            return True, ""
        if action == "actions/cache/restore":
            return self._restore(given, env)
        if action == "actions/cache/save":
            return self._save(given, env)
        if action == "peter-evans/create-pull-request":
            job.pull_request = self.git("diff") or None
            self.git("checkout", "-q", "--", ".")
            return True, ""
        raise AssertionError(f"the test does not know the action {action}")

    # actions/cache: one folder per key, shared by every run, as GitHub keeps them.

    def _restore(self, given: dict[str, str], env: dict[str, str]) -> tuple[bool, str]:
        keys = [given["key"], *given.get("restore-keys", "").split()]
        saved = sorted(self.caches.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for key in keys:
            hit = next((p for p in saved if p.name == key or p.name.startswith(key)), None)
            if hit is not None:
                shutil.copytree(hit, _cached(given["path"], env), dirs_exist_ok=True)
                self.restored.append(hit.name)
                return True, f"Cache restored from key: {hit.name}\n"
        return True, "Cache not found\n"

    def _save(self, given: dict[str, str], env: dict[str, str]) -> tuple[bool, str]:
        path, target = _cached(given["path"], env), self.caches / given["key"]
        if target.exists():
            return False, f"Unable to reserve cache with key {given['key']}: it exists\n"
        if not path.is_dir():
            return True, "Path does not exist, hence no cache is being saved.\n"
        shutil.copytree(path, target)
        return True, f"Cache saved with key: {given['key']}\n"

    def _publish(self) -> Path:
        """The GitHub the fake ``gh`` answers from: runs, their artifacts, merged heads."""
        path = self.folder / "github.json"
        runs = [
            {
                "id": r.id,
                "workflow": r.workflow,
                "head_sha": r.head_sha,
                "artifacts": str(r.artifacts),
            }
            for r in self.runs
        ]
        path.write_text(json.dumps({"runs": runs, "merged": self.merged}), encoding="utf-8")
        return path


def git(root: Path, *args: str) -> str:
    identity = ["-c", "user.name=Acme Ops", "-c", "user.email=ops@acme.example"]
    return subprocess.run(
        ["git", *identity, *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def _in_order(jobs: dict[str, Any]) -> list[tuple[str, Any]]:
    """Jobs in the order GitHub may start them: each after the jobs it needs."""
    ordered: list[tuple[str, Any]] = []
    waiting = dict(jobs)
    while waiting:
        done = {name for name, _ in ordered}
        for name, job in list(waiting.items()):
            needs = job.get("needs", [])
            if set([needs] if isinstance(needs, str) else needs) <= done:
                ordered.append((name, waiting.pop(name)))
                break
        else:
            raise AssertionError(f"jobs that can never start: {sorted(waiting)}")
    return ordered


def _matrix(job: dict[str, Any]) -> list[dict[str, str]]:
    matrix = job.get("strategy", {}).get("matrix")
    if matrix is None:
        return [{}]
    assert set(matrix) == {"include"}, "the test expands a matrix of include entries"
    return [{f"matrix.{k}": str(v) for k, v in entry.items()} for entry in matrix["include"]]


def _value(expression: str, context: Mapping[str, str]) -> str:
    for alternative in (a.strip() for a in expression.split("||")):
        secret = re.fullmatch(r"secrets\[(.+)\]", alternative)
        if secret:
            return f"token-in-{_value(secret[1], context)}"
        named = re.fullmatch(r"secrets\.(\w+)", alternative)
        if named:
            return f"token-in-{named[1]}"
        if alternative not in context:
            raise AssertionError(f"the test does not know ${{{{ {alternative} }}}}")
        if context[alternative]:
            return context[alternative]
    return ""


def _evaluated(values: dict[str, Any], context: Mapping[str, str]) -> dict[str, str]:
    return {
        key: EXPRESSION.sub(lambda m: _value(m[1], context), str(value))
        for key, value in values.items()
    }


def _condition(condition: str, context: Mapping[str, str], *, failed: bool) -> bool:
    condition = EXPRESSION.sub(r"\1", condition).strip()
    if condition == "always()":
        return True
    if condition == "success()":
        return not failed
    compared = re.fullmatch(r"([\w.]+) == '([^']*)'", condition)
    if compared:
        return not failed and _value(compared[1], context) == compared[2]
    raise AssertionError(f"the test does not know the condition {condition}")


def _cached(path: str, env: dict[str, str]) -> Path:
    """A cache step's path on this runner: gladcfg's cache folder is the job's own."""
    home = Path(env["GLADCFG_CACHE_DIR"]).parent.parent
    return Path(path.replace("~", str(home), 1)) if path.startswith("~/") else Path(path)


def _upload(artifact: Path, given: dict[str, str]) -> tuple[bool, str]:
    if artifact.exists() and given.get("overwrite") != "true":
        return False, f"an artifact named {artifact.name} exists in this run already\n"
    found = [Path(p.strip()) for p in given["path"].splitlines() if Path(p.strip()).exists()]
    if not found:
        missing = given.get("if-no-files-found", "warn")
        return missing != "error", f"No files were found for {artifact.name}\n"
    shutil.rmtree(artifact, ignore_errors=True)
    artifact.mkdir()
    for path in found:
        if path.is_dir():
            shutil.copytree(path, artifact, dirs_exist_ok=True)
        else:
            shutil.copy2(path, artifact / path.name)
    return True, ""


@pytest.fixture(scope="module")
def acme_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/acme as a repository's main branch, its three instances up to date."""
    root = tmp_path_factory.mktemp("acme") / "repo"
    shutil.copytree(ACME, root)
    (root / ".gitignore").write_text(".gladcfg/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Acme's instances as code")
    env = {
        **os.environ,
        "ACME_WEBHOOK_KEY": "example-key-not-a-secret",
        "GLADCFG_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
    }
    for instance in INSTANCES:
        subprocess.run(
            [sys.executable, "-m", "gladcfg", "apply", "-i", instance, "--auto-approve"],
            cwd=root,
            env=env,
            capture_output=True,
            check=True,
            timeout=120,
        )
    return root


@pytest.fixture
def ci(tmp_path: Path, acme_repository: Path) -> Ci:
    return Ci(tmp_path, acme_repository)


def planned_addresses(plan: Path) -> set[str]:
    return {change["address"] for change in json.loads(plan.read_text("utf-8"))["changes"]}


def assert_up_to_date(ci: Ci) -> None:
    fresh = ci.gladcfg("plan", *(f"--instance={name}" for name in INSTANCES), "--detailed-exitcode")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


PR_CHANGES = {"teams.billing", "topics.shipping-lost"}
RERUN = 'Run the "gladcfg plan" workflow on main'


@pytest.mark.e2e
def test_the_plan_reviewed_on_the_pull_request_is_the_plan_applied_on_merge(ci: Ci) -> None:
    head = ci.open_pull_request()
    planned, jobs = ci.run("gladcfg-plan.yml", event="pull_request", sha=head)
    assert list(jobs) == ["validate", *(f"plan ({name})" for name in INSTANCES)]
    assert all(job.ok for job in jobs.values()), [job.log for job in jobs.values()]
    for instance in INSTANCES:
        saved = planned.artifact(f"gladcfg-plan-{instance}")
        assert planned_addresses(saved / "plan.json") == PR_CHANGES
        # The comment is the saved plan's markdown, and so is the run's summary.
        job = jobs[f"plan ({instance})"]
        assert job.comment == job.summary == (saved / "plan.md").read_text("utf-8")
        assert f"### gladcfg plan for `{instance}`" in job.comment
    saved = planned.artifact("gladcfg-plan-staging")
    shown = ci.gladcfg("show", str(saved / "plan.json"), "--format", "markdown")
    assert shown.stdout == jobs["plan (staging)"].comment and "teams.billing" in shown.stdout

    merged = ci.merge(head)
    applied, jobs = ci.run("gladcfg-apply.yml", event="push", sha=merged)
    assert list(jobs) == [f"{i} / {j}" for i in INSTANCES for j in ("reviewed-plan", "apply")]
    assert all(job.ok for job in jobs.values()), [job.log for job in jobs.values()]
    for instance in INSTANCES:
        reviewed = planned.artifact(f"gladcfg-plan-{instance}")
        # The reviewers approve what the summary shows: the pull request's plan.
        assert jobs[f"{instance} / reviewed-plan"].summary == (reviewed / "plan.md").read_text()
        kept = applied.artifact(f"gladcfg-applied-{instance}-{merged}")
        assert (kept / "plan.json").read_bytes() == (reviewed / "plan.json").read_bytes()
        assert planned_addresses(kept / "rollback.json") == PR_CHANGES
    assert_up_to_date(ci)


@pytest.mark.e2e
def test_an_instance_changed_after_the_review_stops_the_apply(ci: Ci) -> None:
    head = ci.open_pull_request()
    ci.run("gladcfg-plan.yml", event="pull_request", sha=head)
    edited = ci.gladcfg(
        "state", "edit", "-i", "staging", "teams.apac-tier1", "description=Edited in the UI"
    )
    assert edited.returncode == 0, edited.stderr
    merged = ci.merge(head)

    _, jobs = ci.run("gladcfg-apply.yml", event="push", sha=merged)
    assert list(jobs) == ["staging / reviewed-plan", "staging / apply"]  # no promotion
    refused = jobs["staging / apply"]
    assert not refused.ok
    assert "staging is not as this plan found it" in refused.log
    assert RERUN in refused.log and "Never apply a new plan in its place" in refused.log
    left = ci.gladcfg("plan", "-i", "staging", "--format", "json")
    assert {c["address"] for c in json.loads(left.stdout)["changes"]} == {
        *PR_CHANGES,
        "teams.apac-tier1",  # the edit stands, and nothing of the plan was applied
    }

    # As the message says: plan main's commit, read it, re-run the apply.
    replanned, plan_jobs = ci.run("gladcfg-plan.yml", event="workflow_dispatch", sha=merged)
    assert all(job.ok and job.comment is None for job in plan_jobs.values())
    assert planned_addresses(replanned.artifact("gladcfg-plan-staging") / "plan.json") == {
        *PR_CHANGES,
        "teams.apac-tier1",
    }
    applied, jobs = ci.run("gladcfg-apply.yml", event="push", sha=merged)
    assert all(job.ok for job in jobs.values()) and len(jobs) == 6
    for instance in INSTANCES:
        kept = applied.artifact(f"gladcfg-applied-{instance}-{merged}") / "plan.json"
        reviewed = replanned.artifact(f"gladcfg-plan-{instance}") / "plan.json"
        assert kept.read_bytes() == reviewed.read_bytes()
    assert_up_to_date(ci)


@pytest.mark.e2e
def test_a_plan_made_from_other_files_is_not_applied(ci: Ci) -> None:
    head = ci.open_pull_request()
    ci.run("gladcfg-plan.yml", event="pull_request", sha=head)
    # Another pull request lands first: main no longer holds the files that were planned.
    ci.git("checkout", "-q", "main")
    (ci.repo / "config/returns.yaml").write_text("topics:\n  returns: {}\n", encoding="utf-8")
    ci.git("add", "config/returns.yaml")
    ci.git("commit", "-q", "-m", "A topic for returns")
    merged = ci.merge(head)

    _, jobs = ci.run("gladcfg-apply.yml", event="push", sha=merged)
    assert list(jobs) == ["staging / reviewed-plan"]
    log = jobs["staging / reviewed-plan"].log
    assert "made from other files than this commit holds" in log and "config/returns.yaml" in log
    assert RERUN in log
    left = ci.gladcfg("plan", "-i", "staging", "--format", "json")
    assert {c["address"] for c in json.loads(left.stdout)["changes"]} == {
        *PR_CHANGES,
        "topics.returns",
    }


@pytest.mark.e2e
def test_without_a_reviewed_plan_nothing_is_applied(ci: Ci) -> None:
    head = ci.open_pull_request()  # merged without its plan workflow ever running
    merged = ci.merge(head)
    _, jobs = ci.run("gladcfg-apply.yml", event="push", sha=merged)
    assert list(jobs) == ["staging / reviewed-plan"]
    log = jobs["staging / reviewed-plan"].log
    assert f"No saved plan for staging was made for commit {merged}" in log and RERUN in log
    left = ci.gladcfg("plan", "-i", "staging", "--detailed-exitcode")
    assert left.returncode == 2


@pytest.mark.e2e
def test_the_nightly_drift_job_turns_an_admin_edit_into_a_pull_request(ci: Ci) -> None:
    edited = ci.gladcfg(
        "state", "edit", "-i", "prod-eu", "teams.billing", "description=Billing, EU desk"
    )
    assert edited.returncode == 0, edited.stderr
    main = ci.git("rev-parse", "HEAD")
    drift, jobs = ci.run("gladcfg-drift.yml", event="schedule", sha=main)
    assert all(job.ok for job in jobs.values()), [job.log for job in jobs.values()]
    assert jobs["pull (staging)"].pull_request is None
    assert jobs["pull (prod-us)"].pull_request is None
    diff = jobs["pull (prod-eu)"].pull_request
    assert diff is not None and '+  billing: {description: "Billing, EU desk"}' in diff
    assert '"drift"' in jobs["pull (prod-eu)"].log  # the health record is in the log
    # The fleet report, kept as the run's artifact, shows prod-eu's drift.
    report = drift.artifact("gladcfg-report") / "report.html"
    page = report.read_text(encoding="utf-8")
    assert all(name in page for name in INSTANCES) and "teams.billing" in page


@pytest.mark.e2e
def test_pull_request_plans_start_from_the_cache_the_nightly_full_read_left(ci: Ci) -> None:
    main = ci.git("rev-parse", "HEAD")
    drift, _ = ci.run("gladcfg-drift.yml", event="schedule", sha=main)
    saved = sorted(p.name for p in ci.caches.iterdir())
    assert saved == sorted(f"gladcfg-cache-{name}-{drift.id}" for name in INSTANCES)
    assert all(any((ci.caches / key).rglob("*")) for key in saved)  # compiled templates
    head = ci.open_pull_request()
    _, jobs = ci.run("gladcfg-plan.yml", event="pull_request", sha=head)
    assert all(job.ok for job in jobs.values())
    assert ci.restored[-3:] == [f"gladcfg-cache-{name}-{drift.id}" for name in INSTANCES]
    assert sorted(p.name for p in ci.caches.iterdir()) == saved  # a pull request saves none


# --- The rollout, wave by wave ----------------------------------------------------------


def test_the_rollout_workflow_has_a_gated_job_per_wave_in_order() -> None:
    from gladcfg.model.project import project_model
    from gladcfg.model.schedule import waves_of

    project = project_model().model_validate(load(ACME / "gladcfg.yaml"))
    assert project.rollout is not None
    waves = {w.name: names for w, names in waves_of(project.rollout, list(project.instances))}
    assert waves == {**WAVES, "sandbox": ["sandbox"]}  # the local sandbox is not CI's
    workflow = load(WORKFLOW_DIR / "gladcfg-rollout.yml")
    assert workflow["concurrency"] == {"group": "gladcfg-rollout", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert list(jobs) == list(WAVES)
    assert [jobs[name].get("needs") for name in WAVES] == [None, "canary", "first"]
    for name, job in jobs.items():
        (command,) = [c for s in job["steps"] if "run" in s for c in gladcfg_commands(s["run"])]
        assert command == ["-C", ".", "--no-color", "apply", "--wave", name, "--auto-approve"]


@pytest.mark.e2e
def test_a_failing_canary_stops_every_wave_after_it_and_a_rerun_resumes(ci: Ci) -> None:
    ci.open_pull_request()
    ci.edit(
        "gladcfg.yaml",
        "  staging:\n    adapter: mock\n",
        "  staging:\n    adapter: mock\n    faults: {fail_every: 1}\n",
    )
    ci.git("commit", "-q", "-am", "Staging fails every write")
    merged = ci.merge(ci.git("rev-parse", "HEAD"))

    _, jobs = ci.run("gladcfg-rollout.yml", event="workflow_dispatch", sha=merged)
    assert list(jobs) == ["canary"]  # first and rest never start
    canary = jobs["canary"]
    assert not canary.ok
    assert "Rollout: stopped at wave canary" in canary.log
    assert "  canary  failed  staging: failed: apply incomplete" in canary.log
    for instance in INSTANCES:
        left = ci.gladcfg("plan", "-i", instance, "--format", "json")
        assert {c["address"] for c in json.loads(left.stdout)["changes"]} == PR_CHANGES

    ci.edit("gladcfg.yaml", "    faults: {fail_every: 1}\n", "")
    ci.git("commit", "-q", "-am", "Staging writes again")
    fixed = ci.git("rev-parse", "HEAD")
    _, jobs = ci.run("gladcfg-rollout.yml", event="workflow_dispatch", sha=fixed)
    assert list(jobs) == list(WAVES)
    assert all(job.ok for job in jobs.values()), [job.log for job in jobs.values()]
    for name, instances in WAVES.items():
        assert f"Wave {name} verified: a fresh plan of {instances[0]} has nothing to write." in (
            jobs[name].log
        )
    assert_up_to_date(ci)
