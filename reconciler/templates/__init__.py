"""Files `reconcile init` writes into a team's policy repository (the GitHub recipes are the ones
examples/github/ shows)."""
