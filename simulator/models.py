"""The simulator's own records: the predictions a signed-in learner made before a reveal."""

from django.conf import settings
from django.db import models


class Prediction(models.Model):
    """One "predict, then reveal" in the simulator, as the simulator recorded it.

    The simulator's record (see simulator.details.compare_prediction) names the concepts it tests,
    whether the learner picked the right survivor (isolated, cross, both, neither) and how far off
    the predicted liquidation price was, as a fraction. Anonymous learners' records wait in the
    session under ``simulator_predictions`` until they sign in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="predictions"
    )
    concepts = models.JSONField(default=list)
    survivor_correct = models.BooleanField()
    price_error = models.DecimalField(
        max_digits=16,
        decimal_places=8,
        null=True,
        blank=True,
        help_text="|predicted - engine| / engine liquidation price; empty if no price was given.",
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table and index keep the names they had while the model lived in accounts.
        db_table = "accounts_prediction"
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["user", "-made_at"], name="accounts_pr_user_id_41954e_idx")]

    def __str__(self):
        return f"{self.user} predicted {'right' if self.survivor_correct else 'wrong'}"
