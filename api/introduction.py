"""The API's introduction, the long description at the top of its schema and docs.

It quotes the limits where they are defined, so that it cannot drift from them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.api.throttling import RATE_IN_WORDS
from api.pagination import KeysetPagination
from api.problems import PROBLEM_CONTENT_TYPE, body_limit_in_words
from tickets.models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH

INTRODUCTION = f"""
Report, modify, view and change the status of helpdesk tickets, and converse in
messages. Everything the web pages and the staff console do.

## Authentication
Get a token with `POST /api/v1/auth/token/` (username and password; a new named
token each call, one per client) and send it as `Authorization: Token <key>`
(or `Bearer <key>`). Tokens are stored hashed: the key is shown once.
`DELETE /api/v1/auth/token/` revokes the token used. Browser sessions work
too, with the CSRF token in `X-CSRFToken` on writes. Failed sign-ins count
toward the same lockout as the web sign-in.

## Visibility and roles
End users see their own tickets; helpdesk staff see all. A ticket you may not
see is 404 on every endpoint. Staff may also change priority and assignee,
post internal notes (which end users never see, nor events about them) and
make more status transitions; `allowed_transitions` on a ticket lists the
statuses the caller may move it to now.

## Concurrency: ETag and If-Match
A ticket's `ETag` is its `version` in quotes (`"3"`). Send it back in
`If-Match` on `PATCH`, `status/` and `messages/`: if someone changed the ticket
meanwhile the answer is 412 and nothing is written. `If-None-Match` on a GET
of the ticket answers 304 when it has not changed.

## Lists
Lists are cursor-paginated: `{{next, previous, results}}`; follow the links,
with `page_size` from 1 to {KeysetPagination.max_page_size} \
(default {KeysetPagination.page_size}). There is no total count. Pages are
stable: ties are broken by id, and tickets that arrive while you page are
never shown twice. Unknown query parameters, empty values and unknown filter
values are 400, as are unknown fields in a request body (read-only fields of
the resource, sent back as received, are ignored).

## Errors
Every error is RFC 9457 problem details, `{PROBLEM_CONTENT_TYPE}`:
`{{type, title, status, detail, code}}`, plus `errors` (messages by field or
parameter name) for invalid input. `code` is for programs: `invalid`,
`parse_error`, `not_authenticated`, `authentication_failed`,
`invalid_credentials`, `permission_denied`, `not_allowed`, `not_found`,
`method_not_allowed`, `not_acceptable`, `unsupported_media_type`,
`invalid_transition` (with `allowed`), `ticket_closed`, `stale_version`
(with `current_version`), `precondition_failed`, `request_too_large`,
`throttled`, `rate_limited`, `locked_out`, `server_error`.

## Files
`POST /api/v1/tickets/` and `POST .../messages/` also take
`multipart/form-data`, with one part named `files` per file (the other fields
as text; `is_internal` as `true` or `false`).
Up to {settings.ATTACHMENTS_MAX_FILES} files a message, \
{settings.ATTACHMENTS_MAX_FILE_SIZE // 2**20} MB a file, \
{settings.ATTACHMENTS_MAX_TICKET_SIZE // 2**20} MB a ticket;
a multipart body up to {settings.REQUEST_MAX_SIZE // 2**20} MB (413 `request_too_large` above).
Tickets (their report) and messages list their files in `attachments`; an
internal note's files are for staff only. Download with the `url` given
(`GET /api/v1/files/{{id}}/`, the same token): the `content_type` is decided
by the server from the file's bytes, images are `inline`, everything else an
`attachment`. `filename` is what the uploader called the file, normalised:
show it escaped.

## Limits
Bodies up to {body_limit_in_words()}; subject {SUBJECT_MAX_LENGTH} characters, \
description and message {TEXT_MAX_LENGTH:,}.
Requests per minute are limited per user and per address (429 with
`Retry-After`); the token endpoint allows {RATE_IN_WORDS}
per address and per username. New tickets and messages are limited per person
and hour, counted together with the web pages and the staff console (429
`rate_limited` with `Retry-After`); staff have a higher limit.
""".strip()


def add_introduction(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Postprocessing hook (SPECTACULAR_SETTINGS): the long description, kept in one place."""
    result.setdefault("info", {})["description"] = INTRODUCTION
    return result
