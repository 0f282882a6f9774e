"""Vendor clients: live state in (typed), changes out. Raw JSON never leaves these modules."""
