"""Statistics pages."""
