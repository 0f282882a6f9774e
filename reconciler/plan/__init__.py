"""Desired state, live state, and the one typed Plan between them (pure; no I/O)."""
