"""The vendors behind protocols (base.py): an on-call backend and a chat backend, picked by a
registry. Adding one is a package here and a line in the registry."""
