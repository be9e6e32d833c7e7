"""Bodies of the token and me endpoints: a sign-in in, a token or the caller out."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import ApiToken, User
from api.inputs import InputSerializer, StrictCharField


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "is_staff"]
        read_only_fields = fields
        extra_kwargs = {
            "username": {"help_text": "Signs in with any case."},
            "is_staff": {"help_text": "Whether the user works the helpdesk."},
        }


class TokenRequestSerializer(InputSerializer):
    username = StrictCharField(max_length=User._meta.get_field("username").max_length)
    password = StrictCharField(max_length=4096, trim_whitespace=False)
    name = StrictCharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        allow_blank=True,
        help_text="What the token is for (one per client); a dated name when left out.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <token>`. It is shown this once only.",
    )
    name = serializers.CharField(read_only=True)
