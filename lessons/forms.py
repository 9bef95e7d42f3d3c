from django import forms

from lessons.models import Module, validate_concept_ids


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search lessons and glossary",
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. liquidation price"}),
    )


class LessonImportForm(forms.Form):
    """Upload lesson Markdown files (.md) or a zip of them, as exported by the admin."""

    # The form metaclass takes declared fields off the class, so the instance's own files (the
    # uploads) are untouched; mypy only sees the class attribute.
    files = forms.FileField(  # type: ignore[assignment]
        label="Markdown file or zip",
        help_text=(
            "A .md file with front matter (title, slug, module, ...) or a .zip of them. "
            "Lessons with the same module and slug are updated; new ones are created unpublished "
            "unless their front matter says published: true."
        ),
    )
    default_module = forms.ModelChoiceField(
        queryset=Module.objects.all(),
        required=False,
        help_text="Used for files whose front matter names no module.",
    )


class ConceptIdsField(forms.CharField):
    """Concept ids typed as "C04, W3, E1" (commas or spaces), stored as a list."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        ids = [item.upper() for item in text.replace(",", " ").split()]
        return list(dict.fromkeys(ids))  # drop repeats, keep order

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        validate_concept_ids(value)


class ConceptTaggedAdminForm(forms.ModelForm):
    concepts = ConceptIdsField(
        required=False,
        help_text="Ids from the concept map, e.g. “C06, W6, E1” (C01-C28, W1-W10, E1-E5).",
        widget=forms.TextInput(attrs={"size": 40}),
    )
