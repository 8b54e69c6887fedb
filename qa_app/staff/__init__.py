"""The executive's staff metric review: targets, the per-agent review, its exports."""
