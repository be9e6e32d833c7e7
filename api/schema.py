"""What drf-spectacular needs to describe every app's API: the shape of errors.

Used only by the schema: the API renders errors in api.problems.
"""

from __future__ import annotations

from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the shape of every error."""

    type = serializers.CharField(help_text="Always about:blank: see status and code.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs.")


class ValidationProblemSerializer(ProblemSerializer):
    """Problem details of invalid input, with the messages by field or parameter name."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "For code invalid: messages by field or query parameter name "
            "(non_field_errors for the body as a whole)."
        ),
    )
