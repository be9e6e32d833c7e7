"""The house rules of DESIGN.md, checked on the source: layering, and writes only in services.

How to read it: LAYERS says which layer every module is in, RULES which layer
may not import which, WRITES_ALLOWED where a write outside the services is
accepted and why. When you add a module, find the row it falls under (or add
one); when a test here fails, it names the file, the line and the rule. The
machinery is in tests/architecture.py, and tests/test_architecture_checker.py
plants a violation of each rule and checks that it is caught.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.architecture import (
    Module,
    Rule,
    Violation,
    check_cross_app,
    check_external,
    check_rules,
    check_writes,
    is_allowed,
    layer_of,
    read_project,
    writes_in,
)

# --- the layers -------------------------------------------------------------------
# The core: what every interface stands on.
PURE = "pure"  # rules as data, no ORM: the workflow and the choices it reads
MODELS = "models"
SERVICES = "services"  # every write
SELECTORS = "selectors"  # reads that encode who may see what
CORE = "core"  # the rest of the core: domain errors, search, the notification planner
# The interfaces: thin, each over the core, none over another.
WEB = "web"  # the end-user pages
CONSOLE = "console"  # the staff console, Django admin
API = "api"  # the JSON API
EMAIL_IN = "email in"  # mail to the helpdesk (mailgate, fetch_mail)
SHARED = "shared presentation"  # what the web pages and the console both show
# Neither core nor interface: no layering rule of their own.
PROJECT = "project"  # settings and the root routes, which wire every interface together
SUPPORT = "support"  # everything the table does not name: apps.py, tasks, the benchmark...
TESTS = "tests"
MIGRATIONS = "migrations"

# A module's path is matched against these rows in order and the first match
# decides. `*` stands for one file or folder name, `**` for any number of
# folders; a module no row matches is SUPPORT. Keep specific rows above the
# general ones, and prefer a pattern to a list of files.
LAYERS: list[tuple[str, str]] = [
    ("tests/**", TESTS),
    ("**/migrations/**", MIGRATIONS),
    ("helpdesk/**", PROJECT),
    ("api/urls.py", PROJECT),  # the API's root routes include every app's endpoints
    ("api/introduction.py", PROJECT),  # the schema's introduction quotes every app's limits
    ("api/**", API),  # what every app's API shares (errors, base views, throttles...)
    # the core, per app
    ("*/models.py", MODELS),
    ("*/models/**", MODELS),
    ("*/services.py", SERVICES),
    ("*/services/**", SERVICES),
    ("*/selectors.py", SELECTORS),
    ("*/workflow.py", PURE),
    ("*/choices.py", PURE),
    ("*/text.py", PURE),
    ("service_levels/clock.py", PURE),  # service level clocks: a fold over events
    ("macros/placeholders.py", PURE),  # a macro's placeholders, filled by string replacement
    ("*/exceptions.py", CORE),
    ("*/search.py", CORE),
    ("*/validation.py", CORE),
    ("*/planner.py", CORE),
    # the interfaces, per app
    ("*/api.py", API),
    ("*/api/**", API),
    ("*/admin.py", CONSOLE),
    ("*/admin/**", CONSOLE),
    ("*/templatetags/*admin*.py", CONSOLE),  # tags for the console's templates
    ("*/templatetags/**", WEB),
    ("*/views.py", WEB),
    ("*/views/**", WEB),
    ("*/forms.py", WEB),
    ("*/urls.py", WEB),
    ("*/timeline.py", SHARED),
    # The task queue's side of email in (like every app's tasks.py, SUPPORT): the
    # console's "process again" and the mail commands both queue through it.
    ("mailgate/tasks.py", SUPPORT),
    ("mailgate/**", EMAIL_IN),  # an app of its own: its models and services match above
    ("*/mailgate.py", EMAIL_IN),
    ("*/management/commands/fetch_mail.py", EMAIL_IN),
]

CORE_LAYERS = {PURE, MODELS, SERVICES, SELECTORS, CORE}
INTERFACES = {WEB, CONSOLE, API, EMAIL_IN}
EVERY_LAYER = {layer for _, layer in LAYERS} | {SUPPORT}

# Rule(name, modules of these layers, must not import modules of these layers,
#      through=: also not by way of modules of these layers).
RULES = [
    # Through PROJECT and SUPPORT modules too: a helper module is no detour.
    Rule(
        "the core imports no interface",
        CORE_LAYERS,
        INTERFACES | {SHARED},
        through={PROJECT, SUPPORT},
    ),
    Rule("models import no services", {MODELS}, {SERVICES}),
    # Not by any detour: the workflow must load without the models.
    Rule("the workflow imports no models", {PURE}, {MODELS}, through=EVERY_LAYER),
    # The web pages and the console may share presentation (SHARED); the rest may not.
    Rule("no interface imports another", {WEB}, {CONSOLE, API, EMAIL_IN}),
    Rule("no interface imports another", {CONSOLE}, {WEB, API, EMAIL_IN}),
    Rule("no interface imports another", {API}, {WEB, CONSOLE, EMAIL_IN, SHARED}),
    Rule("no interface imports another", {EMAIL_IN}, {WEB, CONSOLE, API, SHARED}),
    Rule("shared presentation imports no interface", {SHARED}, INTERFACES),
]

# The pure modules take from django.db only the choices enums (which live in
# django.db.models.enums and need no database); import them by name so that
# this can see it, e.g. `from django.db.models import TextChoices`.
PURE_FROM_DJANGO_DB = {
    "django.db.models": frozenset({"TextChoices", "IntegerChoices", "Choices"}),
    "django.db.models.enums": None,
}

# Interface modules that every app's interface of the same kind may import.
OPEN_TO_EVERY_APP = ["api/**"]

# Imports that break a rule today and that another part of issue 12 removes.
# Each must still occur (a test says so): delete the entry once its fix lands.
PENDING_FIXES: list[tuple[str, str, str]] = [
    # (importing module, imported module or package, what removes it)
]

# Where a write outside the services is accepted: (module pattern, the line's
# code exactly as written, or None for every line of the module, why). The scan
# flags .save( .delete( .update( .create( bulk_create bulk_update
# update_or_create get_or_create (see tests/architecture.py for what it skips).
WRITES_ALLOWED: list[tuple[str, str | None, str]] = [
    ("*/services.py", None, "the service layer: where writes belong"),
    ("*/services/**", None, "the same, as a package"),
    ("**/migrations/**", None, "migrations create and fill the schema"),
    ("tests/**", None, "tests build data, and break it on purpose"),
    (
        "accounts/models.py",
        "super().save(*args, **kwargs)",
        "User.save is Django's own, in one transaction with the revocation (a service, by"
        " signal) of the user's API tokens when it stores a new password hash",
    ),
    (
        "tickets/management/commands/seed_load.py",
        None,
        "bulk-loads up to a million tickets; a service call per row would take hours",
    ),
    (
        "tickets/management/commands/seed_demo.py",
        'user.save(update_fields=["is_superuser"])',
        "makes the demo's superuser; no service grants superuser (createsuperuser does)",
    ),
    (
        "bench/scenario.py",
        "ApiToken.objects.filter(name=TOKEN_NAME).delete()",
        "the benchmark clears the tokens it minted in its own throw-away database",
    ),
    (
        "bench/scenario.py",
        "tasks, _ = DBTaskResult.objects.all().delete()",
        "the benchmark's database has no worker: every queued task is one it made",
    ),
    (
        "bench/scenario.py",
        "_, deleted = bare.delete()",
        "the insert ceiling's bare rows, which no service made and none could delete in bulk",
    ),
    (
        "accounts/sessions.py",
        "super().delete(session_key)",
        "the session engine is Django's database engine; a sign-out deletes its own row",
    ),
    (
        "bench/scenario.py",
        "Session.objects.all().delete()",
        "the benchmark's sessions, so each run starts alike",
    ),
]

ROOT = Path(__file__).resolve().parents[1]


# --- the checks, on the project ---------------------------------------------------


def layering_violations(modules: Mapping[str, Module]) -> list[Violation]:
    layers = {name: layer_of(m.path, LAYERS, SUPPORT) for name, m in modules.items()}
    return [
        *check_rules(modules, layers, RULES),
        *check_cross_app(modules, layers, INTERFACES, OPEN_TO_EVERY_APP),
        *check_external(
            modules,
            layers,
            {PURE},
            "django.db",
            PURE_FROM_DJANGO_DB,
            "the workflow imports no models",
        ),
    ]


def pending_fix(violation: Violation) -> tuple[str, str, str] | None:
    """The PENDING_FIXES entry that excuses `violation`, if any."""
    imported = violation.imported
    return next(
        (
            entry
            for entry in PENDING_FIXES
            if violation.importer == entry[0]
            and (imported == entry[1] or imported.startswith(entry[1] + "."))
        ),
        None,
    )


@pytest.fixture(scope="module")
def project():
    return read_project(ROOT)


def test_the_table_finds_every_layer_in_the_project(project):
    found = {layer_of(m.path, LAYERS, SUPPORT) for m in project.values()}
    assert {PURE, MODELS, SERVICES, SELECTORS, CORE, WEB, CONSOLE, API} <= found


def test_the_layering_holds(project):
    found = [v for v in layering_violations(project) if pending_fix(v) is None]
    assert not found, "\n".join(map(str, found))


def test_every_pending_fix_is_still_pending(project):
    used = {pending_fix(v) for v in layering_violations(project)}
    for entry in PENDING_FIXES:
        assert entry in used, f"fixed, delete it from PENDING_FIXES: {entry}"


def test_writes_happen_only_in_services(project):
    found = check_writes(project, WRITES_ALLOWED)
    assert not found, "\n".join(map(str, found))


def test_every_allowed_write_is_still_there(project):
    writes = [w for m in project.values() for w in writes_in(m)]
    for entry in WRITES_ALLOWED:
        pattern, code, _ = entry
        if code is None and "*" in pattern:
            continue  # a kind of module, not a particular exception
        assert any(is_allowed(w, entry) for w in writes), f"unused, delete it: {entry}"
