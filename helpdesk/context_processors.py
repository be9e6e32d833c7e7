from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.SITE_NAME,
        # For the language switcher: each language's name in that language, as
        # settings.LANGUAGES spells it (not through gettext, which would translate it).
        "site_languages": settings.LANGUAGES,
    }
