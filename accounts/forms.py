import unicodedata

from confusable_homoglyphs import confusables
from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm

# Characters Django allows in usernames besides letters and digits: a name is compared with the
# others without them at its ends, so "instructor." is taken if "instructor" is.
USERNAME_PUNCTUATION = ".@+-_"
MIXED_SCRIPTS = (
    "This name mixes alphabets with letters that look alike (such as a Cyrillic е in a Latin "
    "name), so it could pass for someone else's. Use letters of one alphabet."
)
LOOKS_TAKEN = "This name is too close to an existing one ({existing}); choose another."


def username_core(name: str) -> str:
    """What a reader takes a name for: compatibility forms folded (full-width letters), case
    ignored, punctuation at its ends dropped."""
    return unicodedata.normalize("NFKC", name).casefold().strip(USERNAME_PUNCTUATION)


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to reset a forgotten password; never shown or shared.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self):
        """Refuse look-alikes of other names (security review F13): the instructor dashboard
        and sign-in show names as they are."""
        username = super().clean_username()
        if not username:  # Django's own check refused it (same name in another case)
            return username
        if confusables.is_dangerous(username):
            raise forms.ValidationError(MIXED_SCRIPTS)
        core = username_core(username)
        if core:
            model = get_user_model()
            candidates = model.objects.filter(username__icontains=core).values_list(
                model.USERNAME_FIELD, flat=True
            )[:200]
            for existing in candidates:
                if username_core(existing) == core:
                    raise forms.ValidationError(LOOKS_TAKEN.format(existing=existing))
        return username


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
