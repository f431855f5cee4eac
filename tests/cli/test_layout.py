"""Commands parse, call the engine and print: the engine owns every instance's session, so
no command opens or closes an adapter itself."""

from __future__ import annotations

from pathlib import Path

import gladcfg.cli

CLI = Path(gladcfg.cli.__file__).parent


def test_no_command_opens_or_closes_an_adapter() -> None:
    for module in sorted(CLI.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert "open_adapter" not in text, module.name
        assert "open_instance" not in text, module.name  # an engine function opens it
        assert ".close()" not in text, module.name
