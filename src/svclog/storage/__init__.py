"""Journal location, schema migrations, connections and repositories: the only SQL in svclog."""
