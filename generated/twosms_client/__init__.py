"""Generated 2SMS client (placeholder until the generator lands)."""
