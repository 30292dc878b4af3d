"""Use-cases: each one transaction, called alike by the bot's handlers, the HTTP API and the CLI."""
