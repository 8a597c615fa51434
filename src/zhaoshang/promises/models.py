"""Promises and complaints (issue 19)."""
