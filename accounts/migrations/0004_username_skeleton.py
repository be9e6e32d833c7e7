from django.db import migrations, models

from accounts.text import skeleton_key

BATCH = 2000


def fill_skeletons(apps, schema_editor):
    # Every existing name gets its skeleton, so new names are checked against all.
    User = apps.get_model("accounts", "User")
    users = User.objects.order_by("pk").only("pk", "username")
    last = 0
    while batch := list(users.filter(pk__gt=last)[:BATCH]):
        for user in batch:
            user.username_skeleton = skeleton_key(user.username)
        User.objects.bulk_update(batch, ["username_skeleton"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["username_skeleton"], name="accounts_user_skeleton"),
        ),
    ]
