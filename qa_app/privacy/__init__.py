"""Privacy: transcript retention and the agent's export of their own data."""
