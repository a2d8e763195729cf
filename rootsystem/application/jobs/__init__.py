"""The site's background jobs: one module per concern, each declaring `@job` functions (see docs/jobs.md)."""
