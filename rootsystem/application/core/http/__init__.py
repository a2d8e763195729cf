"""HTTP layer of the framework: middleware, error pages, health, content negotiation."""
