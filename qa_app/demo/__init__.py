"""Demo data: a reproducible organisation with teams, people and scored interactions."""
