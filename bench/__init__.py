"""The helpdesk's benchmark: `python -m bench` (or `make bench`). See bench/run.py."""
