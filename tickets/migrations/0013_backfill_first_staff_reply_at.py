# Fills tickets.first_staff_reply_at from the conversations: the time of each
# ticket's first public message by staff other than its reporter, the rule the
# dashboard's median used to work out per request (tickets.dashboard).
#
# In batches of ticket ids, each its own transaction (atomic = False), so that
# at a million tickets no lock is held on more than one batch's rows at a time
# and a stopped run resumes where it left off (only NULLs are written). Each
# batch reads the conversations from tickets_message_ticket (ticket_id,
# created_at, id); tickets nobody has answered are not rewritten.

from django.db import migrations, transaction
from django.db.models import Exists, Max, Min, OuterRef, Subquery

BATCH = 2_000


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    db = schema_editor.connection.alias
    first_reply = (
        Message.objects.using(db)
        .filter(ticket=OuterRef("pk"), is_internal=False, author__is_staff=True)
        # Staff reporting their own issue do not answer themselves.
        .exclude(author=OuterRef("reporter"))
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    tickets = Ticket.objects.using(db)
    bounds = tickets.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    for start in range(bounds["low"], bounds["high"] + 1, BATCH):
        with transaction.atomic(using=db):
            tickets.filter(
                Exists(first_reply),
                pk__gte=start,
                pk__lt=start + BATCH,
                first_staff_reply_at__isnull=True,
            ).update(first_staff_reply_at=Subquery(first_reply))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0012_ticket_first_staff_reply_at"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
