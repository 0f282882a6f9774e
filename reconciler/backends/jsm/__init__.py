"""Jira Service Management Operations, OpsGenie's successor, as an on-call backend."""
