"""The default business calendar and a policy per priority, as the issue set them.

Targets in business minutes (a business day is the calendar's 8 hours):
urgent 1 h first reply / 4 h resolution, high 4 h / 1 day, normal 1 day /
3 days, low 2 days / 5 days; a next reply is due as fast as a first one.
"""

from django.conf import settings
from django.db import migrations

HOUR = 60
DAY = 8 * HOUR
DEFAULTS = [
    # (name, priority, first and next reply, resolution)
    ("Urgent", "urgent", 1 * HOUR, 4 * HOUR),
    ("High", "high", 4 * HOUR, 1 * DAY),
    ("Normal", "normal", 1 * DAY, 3 * DAY),
    ("Low", "low", 2 * DAY, 5 * DAY),
]


def create_defaults(apps, schema_editor):
    Calendar = apps.get_model("service_levels", "Calendar")
    Policy = apps.get_model("service_levels", "Policy")
    calendar = Calendar.objects.create(
        name="Office hours",
        time_zone=settings.TIME_ZONE,
        hours={day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        holidays=[],
    )
    for position, (name, priority, reply, resolution) in enumerate(DEFAULTS, start=1):
        Policy.objects.create(
            name=name,
            position=position * 10,
            priority=priority,
            first_reply_minutes=reply,
            next_reply_minutes=reply,
            resolution_minutes=resolution,
            business_hours=True,
            calendar=calendar,
        )


class Migration(migrations.Migration):
    dependencies = [("service_levels", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
