"""Fixtures the command tests share."""

from tests.cli.test_saved_plans import saved

__all__ = ["saved"]
