"""What the GitHub Action runs (action.yml at the repository's root)."""
