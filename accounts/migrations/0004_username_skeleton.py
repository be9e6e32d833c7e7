import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
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
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="username skeleton"
            ),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["username_skeleton"], name="accounts_user_skeleton"),
        ),
        # The API token's names for people (translated), as the console shows them.
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="created"
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="key_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="key hash"
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="last used"
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(editable=False, max_length=8, verbose_name="prefix"),
        ),
    ]
