"""Time rules: rotations and handoffs, escalation arithmetic, zones. Pure; no I/O."""
