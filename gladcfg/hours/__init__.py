"""Who is open when: an instance's coverage per language and inbox (:mod:`.coverage`), read
from the lean view of what it reads (:mod:`gladcfg.config.routing`); what a plan does to it
(:mod:`.impact`); and when an instance is frozen for changes (:mod:`.freezes`)."""
