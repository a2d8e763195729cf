"""Authentication: who is making the request."""
