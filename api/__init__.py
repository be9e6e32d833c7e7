"""What every app's JSON API shares; each app's own endpoints live in <app>/api/.

- problems: the one error shape (RFC 9457), DRF's exception handler, `Problem`
  for an app's domain errors (each app's api/exceptions.py maps its own).
- views: ApiViewMixin, first base of every API view. parsers: strict JSON.
- inputs: strict fields and InputSerializer for request bodies.
- representation: ReadOnlyRepresentation, fast output-only serializers.
- pagination: keyset (cursor) pagination; apps declare their orderings.
- query_params: unknown, repeated and empty query parameters refused.
- schema: problem shapes and common headers for drf-spectacular, the token scheme.
- introduction: the schema's long description. urls: the root routes (token,
  me, schema, docs) and each app's routes.

urls and introduction import the apps (to mount their endpoints and quote
their limits), problems the longest text field; nothing else here knows an
app. Apps import api, never each other's API.
"""
