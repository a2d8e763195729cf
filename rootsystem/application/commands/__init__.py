"""The site's own CLI commands; every module here is listed and run by `python3 nori.py`."""
