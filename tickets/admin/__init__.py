"""The staff console: Django admin over tickets.services and tickets.selectors."""

from django.conf import settings
from django.contrib import admin

from tickets.admin.tickets import TicketAdmin
from tickets.models import Ticket

admin.site.register(Ticket, TicketAdmin)
admin.site.site_header = f"{settings.SITE_NAME} staff console"
admin.site.site_title = f"{settings.SITE_NAME} staff console"
admin.site.index_title = "Dashboard"
# The queue needs the width more than a second menu: breadcrumbs and the
# dashboard lead everywhere.
admin.site.enable_nav_sidebar = False
