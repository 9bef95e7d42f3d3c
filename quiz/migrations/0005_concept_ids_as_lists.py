"""Quiz concept ids become JSON lists like the lessons' ("C04 C09" -> ["C04", "C09"]).

The column keeps its name and its rows: it is widened to text (a JSON list is longer than the
space-separated ids, so a varchar(100) could not hold it), rewritten in place as JSON text, then
typed as JSON. Reversed, the same steps undo it: JSON text back to "C04 C09", then varchar.
Unknown ids are kept as they are (a record is not rewritten to today's catalogue).
"""

import json
import re

from django.db import migrations, models

import core.concept_fields

MODELS = ("question", "quiz", "practiceanswer")


def _text_to_list(text: str | None) -> list[str]:
    # The old parser's rule (commas or spaces, upper-cased, repeats dropped), frozen here.
    ids = [token.upper() for token in re.split(r"[\s,]+", text or "") if token]
    return list(dict.fromkeys(ids))


def _stored_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return _text_to_list(text)  # never converted: still the old text
    return [str(item) for item in value] if isinstance(value, list) else _text_to_list(str(value))


def text_to_json(apps, schema_editor) -> None:
    for model_name in MODELS:
        model = apps.get_model("quiz", model_name)
        for pk, text in model.objects.values_list("pk", "concept_ids").iterator():
            model.objects.filter(pk=pk).update(concept_ids=json.dumps(_text_to_list(text)))


def json_to_text(apps, schema_editor) -> None:
    for model_name in MODELS:
        model = apps.get_model("quiz", model_name)
        for pk, text in model.objects.values_list("pk", "concept_ids").iterator():
            model.objects.filter(pk=pk).update(concept_ids=" ".join(_stored_list(text)))


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0004_preset_titles"),
    ]

    operations = [
        *(
            migrations.AlterField(
                model_name=model_name,
                name="concept_ids",
                field=models.TextField(blank=True, verbose_name="concepts"),
            )
            for model_name in MODELS
        ),
        migrations.RunPython(text_to_json, json_to_text),
        migrations.AlterField(
            model_name="practiceanswer",
            name="concept_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="question",
            name="concept_ids",
            field=core.concept_fields.ConceptIdsField(
                course_only=True,
                default=list,
                help_text="Concept ids from the course map (C01-C28), e.g. C04 C09 or C04, C09. "
                "The first one picks the lesson linked after answering.",
                verbose_name="concepts",
            ),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="concept_ids",
            field=core.concept_fields.ConceptIdsField(
                blank=True,
                course_only=True,
                default=list,
                help_text="Module quizzes: the concepts it draws from, e.g. C04 C05 (C01-C28). "
                "Empty means every concept.",
                verbose_name="concepts",
            ),
        ),
    ]
