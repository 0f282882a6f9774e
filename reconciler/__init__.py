"""reconcile: on-call rotations as code for OpsGenie and Slack."""

__version__ = "0.3.0"
