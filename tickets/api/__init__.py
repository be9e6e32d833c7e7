"""JSON API v1 at /api/v1/: viewsets over tickets.selectors and tickets.services."""
