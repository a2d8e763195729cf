"""Model mixins a site combines with Tortoise's `Model`."""
