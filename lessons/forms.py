from django import forms

from lessons.models import Module


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
