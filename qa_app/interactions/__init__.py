"""Interactions: intake (CSV / JSON Lines import) and browsing (list, detail, search)."""
