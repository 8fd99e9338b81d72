"""`migrator review`: the Textual review app (`make_app` builds it for the CLI and the tests)."""
