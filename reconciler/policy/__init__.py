"""The policy: what a team declares about its on-call rotation, loaded and checked offline."""
