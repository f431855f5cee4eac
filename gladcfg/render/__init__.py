"""Every view gladcfg shows, made from data: a plan's text, markdown and JSON
(:mod:`.views`), and the fleet's, the status', the coverage's and the report's. No plan is
computed here."""
