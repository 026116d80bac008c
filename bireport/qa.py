"""Translation QA (placeholder until the full checks land)."""
