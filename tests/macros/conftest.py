from __future__ import annotations

import pytest

from macros.models import Macro


@pytest.fixture
def macro_factory(db):
    def make(**fields):
        fields.setdefault("name", "Ask for details")
        fields.setdefault("body", "Hello {{ reporter_name }}, which printer? {{ staff_name }}")
        return Macro.objects.create(**fields)

    return make
