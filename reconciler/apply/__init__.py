"""Carrying out a plan: typed operations dispatched to the backends that own them."""
