"""Between Gladly's shapes and gladcfg's canonical specs: one small module per kind.

Pure functions, no requests: the adapter fetches, these translate. gladcfg names stand for
Gladly ids, so translations that involve references take the id ↔ name maps.
"""
