"""Benchmarks: scripts run by hand that print figures and ratios measured side by side."""
