"""Audit trail shared by every stage (no routes of its own; organizers view it through judging)."""
