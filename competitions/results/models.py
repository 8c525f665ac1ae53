"""Results tables (owned by the results stage)."""
