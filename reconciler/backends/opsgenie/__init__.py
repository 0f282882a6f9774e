"""OpsGenie: the on-call backend (client, parsing, writes, importer)."""
