"""Helpdesk staff keep macros in the console: shared ones and their own."""

from django.db import migrations

GROUP = "Helpdesk staff"
ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("macros")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="macros",
            codename__in=[f"{action}_macro" for action in ACTIONS],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("macros", "0001_initial"),
        ("tickets", "0002_helpdesk_staff_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
