"""The ticket app's JSON API: tickets, their messages and events, over selectors and services.

One job per module: urls (routes), views (thin viewsets), schema (their
drf-spectacular declarations), serializers (what it answers with), inputs
(what it takes in), filters, pagination (the lists' orderings), ids, etags,
exceptions (ticket errors as HTTP problems), permissions. What every app's API
shares is in the project-level api/ package.
"""
