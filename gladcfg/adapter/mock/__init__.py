"""The embedded adapter: an instance simulated in a local SQLite database (``adapter.py``),
its store (``store.py``, opened and checked by ``db.py``; ``jsonstore.py``: an instance as
one JSON document) and its configuration (``config.py``)."""
