"""One module per command; each exposes `command` (click) and returns an exit code."""
