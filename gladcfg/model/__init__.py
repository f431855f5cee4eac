"""Pydantic models of what users write and gladcfg writes: gladcfg.yaml (``project``), what every
resource is (``resource``; each kind's own model is in :mod:`gladcfg.kinds`), shared value
types, plans' and reports' documents."""
