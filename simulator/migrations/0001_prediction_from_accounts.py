import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The simulator takes over the Prediction model and its existing table from accounts."""

    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Prediction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("concepts", models.JSONField(default=list)),
                        ("survivor_correct", models.BooleanField()),
                        (
                            "price_error",
                            models.DecimalField(
                                blank=True,
                                decimal_places=8,
                                help_text="|predicted - engine| / engine liquidation price; "
                                "empty if no price was given.",
                                max_digits=16,
                                null=True,
                            ),
                        ),
                        ("made_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="predictions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_prediction",
                        "ordering": ["-made_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["user", "-made_at"], name="accounts_pr_user_id_41954e_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
