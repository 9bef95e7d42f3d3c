from django.db import migrations


class Migration(migrations.Migration):
    """Prediction now belongs to the simulator app; its table stays (simulator 0001 adopts it)."""

    dependencies = [
        ("accounts", "0001_initial"),
        ("simulator", "0001_prediction_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Prediction")],
            database_operations=[],
        ),
    ]
