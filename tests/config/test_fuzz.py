"""Fuzzing validate: random YAML documents and random mutations of a valid project never get
past the CLI's error handler — every run ends in exit 0 or 1 with a message, never a
traceback or an internal error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BASE_RESOURCES, PROJECT_YAML, _Main

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(
        ["teams", "inboxes", "en-US", "08:00-20:00", "mon-fri", "{{ brand }}", "24h", "+1415"]
    ),
)
keys = st.one_of(
    st.text(min_size=1, max_size=10),
    st.sampled_from(
        [*yaml.safe_load(BASE_RESOURCES), *yaml.safe_load(PROJECT_YAML), "teams", "adapter"]
    ),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


def validate(root: Path) -> tuple[int, str]:
    from gladcfg.cli.main import main

    result = CliRunner().invoke(_Main(main), ["--no-color", "-C", str(root), "validate"])
    return result.exit_code, result.output


def check(root: Path, text: str) -> None:
    (root / "config/fuzz.yaml").write_text(text, encoding="utf-8")
    code, output = validate(root)
    assert code in (0, 1), output
    assert "internal error" not in output and "Traceback" not in output, output
    if code == 1:
        assert "error" in output


def project(tmp_path: Path) -> Path:
    root = tmp_path / "fuzz"
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "gladcfg.yaml").write_text(PROJECT_YAML)
    (root / "config/base.yaml").write_text(BASE_RESOURCES)
    return root


@FUZZ
@given(document=documents)
def test_random_documents(tmp_path: Path, document: Any) -> None:
    check(project(tmp_path), yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`,? \n\t{}0")), max_size=80))
def test_random_yaml_like_text(tmp_path: Path, text: str) -> None:
    check(project(tmp_path), text)


@FUZZ
@given(data=st.data())
def test_mutations_of_a_valid_project(tmp_path: Path, data: st.DataObject) -> None:
    lines = BASE_RESOURCES.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        mutation = data.draw(st.sampled_from(["delete", "duplicate", "swap", "edit", "insert"]))
        if mutation == "delete" and len(lines) > 1:
            del lines[index]
        elif mutation == "duplicate":
            lines.insert(index, lines[index])
        elif mutation == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif mutation == "edit":
            line = lines[index]
            at = data.draw(st.integers(0, len(line)))
            lines[index] = line[:at] + data.draw(st.text(max_size=3)) + line[at + 1 :]
        else:
            lines.insert(index, data.draw(st.text(max_size=20)) + "\n")
    root = project(tmp_path)
    (root / "config/base.yaml").write_text("".join(lines), encoding="utf-8")
    check(root, "")


@FUZZ
@given(document=documents, keep=st.booleans())
def test_random_project_files(tmp_path: Path, document: Any, keep: bool) -> None:
    root = project(tmp_path)
    text = yaml.safe_dump(document, allow_unicode=True)
    if keep:  # a valid project file with one random instance
        valid = yaml.safe_load(PROJECT_YAML)
        valid["instances"]["extra"] = document
        text = yaml.safe_dump(valid, allow_unicode=True)
    (root / "gladcfg.yaml").write_text(text, encoding="utf-8")
    check(root, "")
