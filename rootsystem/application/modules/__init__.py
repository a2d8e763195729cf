"""The site's controllers: plain classes whose methods answer requests."""
