from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("accounts/notifications/", include("notifications.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("tickets.urls")),
    # The front page; settings.LOGOUT_REDIRECT_URL names it.
    path("", home, name="home"),
]

if settings.HELPDESK_BENCH:
    # Bench only (bench/): the framework's ceiling, routed when HELPDESK_BENCH=True.
    from helpdesk.instrumentation import (
        CeilingView,
        DatabaseCeilingList,
        DatabaseCeilingRow,
        InsertCeiling,
    )

    urlpatterns += [
        path("bench/ceiling/", CeilingView.as_view(), name="bench-ceiling"),
        # The database ceilings: a page of tickets, and one ticket, as bare DRF reads them.
        path("bench/ceiling/db/tickets/", DatabaseCeilingList.as_view()),
        path("bench/ceiling/db/tickets/<int:pk>/", DatabaseCeilingRow.as_view()),
        # The writes' ceiling: one row INSERTed in a transaction.
        path("bench/ceiling/db/insert/", InsertCeiling.as_view()),
    ]

handler400 = "helpdesk.error_pages.bad_request"
handler403 = "helpdesk.error_pages.permission_denied"
handler404 = "helpdesk.error_pages.page_not_found"
handler500 = "helpdesk.error_pages.server_error"
