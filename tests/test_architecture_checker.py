"""The checks of tests/test_architecture.py catch a planted violation of each rule.

Every case is a small project held in memory ({path: source}), checked with
the real table and rules. A rule that let its planted violation through would
pass on any tree, so each one is tried here; the clean cases guard against
the opposite mistake, a rule so broad that it flags the shapes we want.
"""

from __future__ import annotations

import pytest

from tests.architecture import check_writes, matches, parse
from tests.test_architecture import LAYERS, SUPPORT, WRITES_ALLOWED, layering_violations

CORE_RULE = "the core imports no interface"
MODELS_RULE = "models import no services"
PURE_RULE = "the workflow imports no models"
INTERFACE_RULE = "no interface imports another"
SHARED_RULE = "shared presentation imports no interface"
APPS_RULE = "apps don't import each other's interfaces"


def broken(sources: dict[str, str]) -> set[str]:
    """The rules a planted project breaks, as "path: rule"."""
    return {f"{v.path}: {v.rule}" for v in layering_violations(parse(sources))}


PLANTED = {
    "the core imports a web view": (
        {"tickets/services.py": "from tickets.views import home\n", "tickets/views.py": ""},
        f"tickets/services.py: {CORE_RULE}",
    ),
    "the core reaches the console through a helper module": (
        {
            "tickets/selectors.py": "from tickets import helpers\n",
            "tickets/helpers.py": "import tickets.admin.queue\n",
            "tickets/admin/queue.py": "",
        },
        f"tickets/selectors.py: {CORE_RULE}",
    ),
    "a model imports the API inside a function": (
        {
            "tickets/models.py": "def f():\n    from tickets.api import views\n",
            "tickets/api/views.py": "",
        },
        f"tickets/models.py: {CORE_RULE}",
    ),
    "search imports the shared timeline": (
        {"tickets/search.py": "from tickets.timeline import rows\n", "tickets/timeline.py": ""},
        f"tickets/search.py: {CORE_RULE}",
    ),
    "a service imports a form, relatively": (
        {
            "tickets/__init__.py": "",
            "tickets/services.py": "from . import forms\n",
            "tickets/forms.py": "",
        },
        f"tickets/services.py: {CORE_RULE}",
    ),
    "a model imports a service for its type hints": (
        {
            "accounts/models.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from accounts.services import create_user\n"
            ),
            "accounts/services.py": "",
        },
        f"accounts/models.py: {MODELS_RULE}",
    ),
    "the workflow imports the models": (
        {"tickets/workflow.py": "from tickets.models import Ticket\n", "tickets/models.py": ""},
        f"tickets/workflow.py: {PURE_RULE}",
    ),
    "the workflow reaches the models through the exceptions": (
        {
            "tickets/workflow.py": "from tickets.exceptions import NotAllowed\n",
            "tickets/exceptions.py": "from tickets.models import Ticket\n",
            "tickets/models.py": "",
        },
        f"tickets/workflow.py: {PURE_RULE}",
    ),
    "the choices import the whole ORM": (
        {"tickets/choices.py": "from django.db import models\n"},
        f"tickets/choices.py: {PURE_RULE}",
    ),
    "the workflow opens a transaction": (
        {"tickets/workflow.py": "from django.db import transaction\n"},
        f"tickets/workflow.py: {PURE_RULE}",
    ),
    "a web view imports the console": (
        {
            "tickets/views.py": "from tickets.admin.filters import ACTIVE\n",
            "tickets/admin/filters.py": "",
        },
        f"tickets/views.py: {INTERFACE_RULE}",
    ),
    "the console imports the API": (
        {
            "tickets/admin/queue.py": "from tickets.api import serializers\n",
            "tickets/api/serializers.py": "",
        },
        f"tickets/admin/queue.py: {INTERFACE_RULE}",
    ),
    "the API imports the shared timeline": (
        {"tickets/api/views.py": "from tickets import timeline\n", "tickets/timeline.py": ""},
        f"tickets/api/views.py: {INTERFACE_RULE}",
    ),
    "a web template tag imports the console": (
        {
            "tickets/templatetags/ticket_tags.py": "from tickets.admin import filters\n",
            "tickets/admin/filters.py": "",
        },
        f"tickets/templatetags/ticket_tags.py: {INTERFACE_RULE}",
    ),
    "email in imports a web form": (
        {"mailgate/inbound.py": "from tickets.forms import ReplyForm\n", "tickets/forms.py": ""},
        f"mailgate/inbound.py: {INTERFACE_RULE}",
    ),
    "the shared timeline imports a web view": (
        {"tickets/timeline.py": "from tickets.views import home\n", "tickets/views.py": ""},
        f"tickets/timeline.py: {SHARED_RULE}",
    ),
    "an app's page imports another app's form": (
        {"accounts/views.py": "from tickets.forms import ReplyForm\n", "tickets/forms.py": ""},
        f"accounts/views.py: {APPS_RULE}",
    ),
    "an app's API imports another app's API": (
        {
            "accounts/api.py": "from tickets.api.views import ApiViewMixin\n",
            "tickets/api/views.py": "",
        },
        f"accounts/api.py: {APPS_RULE}",
    ),
}


@pytest.mark.parametrize("case", PLANTED)
def test_a_planted_violation_is_caught(case):
    sources, expected = PLANTED[case]
    assert expected in broken(sources)


CLEAN = {
    "the workflow reads the choices, which take TextChoices only": {
        "tickets/workflow.py": "from tickets.choices import TicketStatus\n",
        "tickets/choices.py": "from django.db.models import TextChoices\n",
    },
    "the web pages and the console share the timeline, which reads the core": {
        "tickets/views.py": "from tickets import timeline\n",
        "tickets/admin/page.py": "from tickets.timeline import rows\n",
        "tickets/timeline.py": "from tickets import selectors\n",
        "tickets/selectors.py": "from tickets.models import Ticket\n",
        "tickets/models.py": "from tickets.choices import TicketStatus\n",
        "tickets/choices.py": "",
    },
    "every app's API builds on the project-level api package": {
        "accounts/api.py": "from api.views import ApiViewMixin\n",
        "tickets/api/views.py": "from api import pagination\nfrom tickets import services\n",
        "api/__init__.py": "",
        "api/views.py": "",
        "api/pagination.py": "",
        "tickets/services.py": "",
    },
    "the console's template tags use the console": {
        "tickets/templatetags/helpdesk_admin.py": "from tickets.admin.filters import ACTIVE\n",
        "tickets/admin/filters.py": "",
    },
    "the project's routes wire every interface together": {
        "helpdesk/urls.py": "from accounts.views import home\nfrom tickets.api import urls\n",
        "accounts/views.py": "from accounts.forms import SignupForm\n",
        "accounts/forms.py": "",
        "tickets/api/urls.py": "",
    },
}


@pytest.mark.parametrize("case", CLEAN)
def test_a_shape_the_house_wants_passes(case):
    assert broken(CLEAN[case]) == set()


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*/api/**", "tickets/api/views.py", True),
        ("*/api/**", "tickets/api/v2/views.py", True),
        ("*/api/**", "tickets/apiary.py", False),
        ("api/**", "api/__init__.py", True),
        ("*/admin.py", "tickets/admin/tickets.py", False),
        ("*/models.py", "tickets/api/models.py", False),
        ("**/migrations/**", "tickets/migrations/0001_initial.py", True),
    ],
)
def test_patterns_match_by_path_segment(pattern, path, expected):
    assert matches(pattern, path) is expected


# --- the write scan ---------------------------------------------------------------


def writes(path: str, source: str) -> list[int]:
    """The lines of `source`, planted at `path`, that the write scan flags."""
    return [v.line for v in check_writes(parse({path: source}), WRITES_ALLOWED)]


@pytest.mark.parametrize(
    "code",
    [
        "Ticket.objects.filter(pk=1).update(status='closed')",
        "ticket.save()",
        "form.save(commit=False)",
        "super().save(*args, **kwargs)",
        "headers.update(a=1)",  # a dict, but the scan cannot tell: allow it by its line
        "cache.delete(key)",
        "Ticket.objects.create(**data)",
        "Ticket.objects.bulk_create(rows)",
        "Ticket.objects.bulk_update(rows, ['status'])",
        "Group.objects.get_or_create(name='staff')",
        "Prefs.objects.update_or_create(user=user)",
    ],
)
def test_a_planted_write_outside_the_services_is_caught(code):
    assert writes("tickets/views.py", f"{code}\n") == [1]


def test_a_write_is_found_on_the_line_that_names_it():
    source = "(\n    Ticket.objects\n    .filter(pk=1)\n    .update(status='closed')\n)\n"
    assert writes("notifications/admin.py", source) == [4]


@pytest.mark.parametrize(
    "code",
    ["headers.update({'a': 1})", "image.save('out.png')", "serializer.create(data)"],
)
def test_a_call_that_cannot_be_an_orm_write_passes(code):
    # Model.save, QuerySet.create and QuerySet.update take keywords only.
    assert writes("tickets/views.py", f"{code}\n") == []


@pytest.mark.parametrize(
    "path",
    ["tickets/services.py", "tickets/migrations/0002_fill.py", "tests/tickets/test_x.py"],
)
def test_writes_pass_where_they_are_allowed(path):
    assert writes(path, "Ticket.objects.filter(pk=1).update(status='closed')\n") == []


def test_an_allowed_line_lets_through_that_line_only():
    source = 'if user:\n    user.save(update_fields=["is_superuser"])\n    user.save()\n'
    assert writes("tickets/management/commands/seed_demo.py", source) == [3]


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        ("tickets/timeline.py", "shared presentation"),
        ("tickets/api/exceptions.py", "api"),
        ("api/exceptions.py", "api"),
        ("tickets/exceptions.py", "core"),
        ("mailgate/models.py", "models"),
        ("tickets/templatetags/helpdesk_admin.py", "console"),
        ("tickets/tasks.py", SUPPORT),
    ],
)
def test_the_table_puts_modules_where_a_newcomer_would(path, layer):
    from tests.architecture import layer_of

    assert layer_of(path, LAYERS, SUPPORT) == layer
