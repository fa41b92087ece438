"""Audit log: who did what, and when."""
