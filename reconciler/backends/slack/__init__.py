"""Slack: the chat backend (client, writes, its part of the diff)."""
