from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to reset a forgotten password; never shown or shared.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password, so a borrowed signed-in browser cannot.

    The check goes through `authenticate`, so wrong guesses count towards django-axes' lockout
    like failed sign-ins do.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError("That is not your password; nothing was deleted.")
        return password
