"""The ``gladly`` adapter: Gladly's public REST API, honest about what it can do."""
