from django import forms

from quiz.models import AttemptItem, Question
from quiz.scoring import NumberError, parse_number

PICK_ONE = "Pick an answer first."
PICK_SOME = "Pick at least one answer."
NOT_A_CHOICE = "That choice does not belong to this question; pick one of those shown."
TYPE_A_NUMBER = "Type your answer as a number."
WRONG_QUESTION = "This answer was for a different question; the current one is shown below."


class AnswerForm(forms.Form):
    """Validates one answer against the item as it was drawn (choices from the snapshot only).

    `cleaned_data` gives `selected_ids` (list of int) and `value` (Decimal or None).
    """

    position = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, item: AttemptItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        kind = item.question.kind
        self.choice_ids = {choice["id"] for choice in item.choices}
        if kind == Question.Kind.MULTIPLE:
            self.fields["choice"] = forms.MultipleChoiceField(
                choices=self._choices(), error_messages=self._choice_errors(PICK_SOME)
            )
        elif kind in Question.CHOICE_KINDS:
            self.fields["choice"] = forms.ChoiceField(
                choices=self._choices(), error_messages=self._choice_errors(PICK_ONE)
            )
        else:
            self.fields["value"] = forms.CharField(
                max_length=40, error_messages={"required": TYPE_A_NUMBER}
            )

    def _choices(self):
        return [(str(choice["id"]), choice["text"]) for choice in self.item.choices]

    @staticmethod
    def _choice_errors(required_message):
        return {
            "required": required_message,
            "invalid_choice": NOT_A_CHOICE,
            "invalid_list": NOT_A_CHOICE,
        }

    def clean_position(self):
        position = self.cleaned_data["position"]
        if position != self.item.position:
            raise forms.ValidationError(WRONG_QUESTION)
        return position

    def clean_value(self):
        try:
            return parse_number(self.cleaned_data["value"])
        except NumberError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        picked = cleaned.get("choice")
        if picked is None:
            cleaned["selected_ids"] = []
        else:
            picked = picked if isinstance(picked, list) else [picked]
            cleaned["selected_ids"] = sorted({int(pk) for pk in picked})
        if "value" not in self.fields:
            cleaned["value"] = None
        return cleaned
