"""The audit trail page for admins: filter, read before/after as a diff, export."""
