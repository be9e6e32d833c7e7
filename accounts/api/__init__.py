"""The accounts app's API: API tokens, and who the caller is (mounted by api/urls.py)."""
