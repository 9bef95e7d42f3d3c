import random
from operator import itemgetter

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.concept_fields import concept_list
from quiz import generators, services
from quiz.item_statistics import item_statistics
from quiz.loader import LoadError, export_questions, load_question_entries, read_yaml
from quiz.models import Attempt, AttemptItem, Choice, PracticeAnswer, Question, Quiz


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("position", "key", "text", "is_correct", "feedback", "misconception", "preset_id")
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "feedback" and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return field


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A YAML file in the format of quiz/content/questions/*.yaml.")
    force = forms.BooleanField(
        required=False,
        label="Overwrite questions edited in the admin",
        help_text="Without this, questions an instructor saved here are kept as they are.",
    )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    inlines = [ChoiceInline]
    list_display = (
        "slug",
        "kind",
        "concept_list",
        "difficulty",
        "is_published",
        "edited_in_admin",
        "answered",
        "share_right",
    )
    list_filter = ("kind", "difficulty", "is_published", "edited_in_admin", "erratum_id")
    search_fields = ("slug", "prompt", "concept_ids")
    readonly_fields = ("preview", "statistics", "edited_in_admin")
    actions = ["export_yaml", "publish", "unpublish"]
    change_list_template = "quiz/admin/question_change_list.html"
    fieldsets = (
        (None, {"fields": ("slug", "kind", "concept_ids", "difficulty", "is_published")}),
        ("Text", {"fields": ("prompt", "explanation", "erratum_id", "preset_id")}),
        (
            "Numeric and generated questions",
            {
                "fields": (
                    "answer",
                    "tolerance",
                    "tolerance_mode",
                    "unit",
                    "generator",
                    "parameters",
                ),
                "description": "Generators: "
                + "; ".join(
                    f"<code>{g.name}</code> ({g.label})" for g in generators.GENERATORS.values()
                )
                + ". Prompt placeholders: the parameter names plus base, notional, formula, "
                "maintenance_margin_percent, shock_percent, shock_direction.",
            },
        ),
        ("Preview and statistics", {"fields": ("preview", "statistics", "edited_in_admin")}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "generator":
            choices = [("", "---------")] + [
                (g.name, f"{g.name}: {g.label}") for g in generators.GENERATORS.values()
            ]
            return forms.ChoiceField(
                choices=choices, required=False, help_text=db_field.help_text, label="Generator"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="concepts", ordering="concept_ids")
    def concept_list(self, question: Question) -> str:
        return concept_list(question.concept_ids)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                answer_count=Count("answers"),
                right_count=Count("answers", filter=Q(answers__is_correct=True)),
            )
        )

    @admin.display(description="answers", ordering="answer_count")
    def answered(self, question):
        return question.answer_count

    @admin.display(description="share right", ordering="right_count")
    def share_right(self, question):
        if not question.answer_count:
            return "-"
        return f"{question.right_count * 100 // question.answer_count}%"

    @admin.display(description="Preview (a sample draw for generated questions)")
    def preview(self, question):
        if not question.pk:
            return "Save the question to see a preview."
        if question.kind == Question.Kind.GENERATED:
            try:
                draw = generators.draw_question(
                    generator_name=question.generator,
                    ranges=question.parameters,
                    prompt=question.prompt,
                    rng=random.Random(),
                )
            except (generators.GeneratorError, KeyError) as error:
                return format_html('<p class="errornote">No usable draw: {}</p>', error)
            return format_html(
                "<p><strong>{}</strong></p><p>Answer: <strong>{}</strong> (margin engine {})</p>"
                "<p>Drawn: <code>{}</code></p><p>Reload the page for another draw.</p>",
                draw.prompt,
                generators.format_number(draw.expected, 2),
                draw.engine_version,
                ", ".join(f"{k}={v}" for k, v in draw.parameters.items()),
            )
        if question.kind == Question.Kind.NUMERIC:
            return format_html(
                "<p><strong>{}</strong></p><p>Answer: {} {} (± {} {})</p>",
                question.prompt,
                question.answer,
                question.unit,
                question.tolerance,
                question.get_tolerance_mode_display().lower(),
            )
        return format_html(
            "<p><strong>{}</strong></p><ul>{}</ul>",
            question.prompt,
            format_html_join(
                "",
                "<li>{}{}</li>",
                ((c.text, " ✔" if c.is_correct else "") for c in question.choices.all()),
            ),
        )

    @admin.display(description="Statistics")
    def statistics(self, question):
        stats = services.question_statistics([question.pk]).get(question.pk)
        if not stats:
            return "Not answered yet."
        assert stats.share_right is not None  # a question with statistics has answers
        share = f"{stats.share_right * 100:.0f}%"
        worst = (
            format_html(
                "; most-picked wrong choice: “{}” ({}×)",
                stats.most_picked_wrong,
                stats.most_picked_wrong_count,
            )
            if stats.most_picked_wrong
            else ""
        )
        return format_html("{} answers, {} right{}", stats.answered, share, worst)

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True
        super().save_model(request, obj, form, change)

    @admin.action(description="Export selected questions as YAML")
    def export_yaml(self, request, queryset):
        response = HttpResponse(export_questions(queryset), content_type="application/yaml")
        response["Content-Disposition"] = 'attachment; filename="questions.yaml"'
        return response

    @admin.action(description="Publish selected questions")
    def publish(self, request, queryset):
        queryset.update(is_published=True, edited_in_admin=True)

    @admin.action(description="Unpublish selected questions")
    def unpublish(self, request, queryset):
        queryset.update(is_published=False, edited_in_admin=True)

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="quiz_question_import",
            ),
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="quiz_question_statistics",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            messages.error(request, "You may not import questions.")
            return redirect("admin:quiz_question_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                report = load_question_entries(
                    read_yaml(text, upload.name),
                    force=form.cleaned_data["force"],
                    source=upload.name,
                )
            except (LoadError, UnicodeDecodeError) as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, report.line("Imported questions"))
                return redirect("admin:quiz_question_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import questions from YAML",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "quiz/admin/question_import.html", context)

    def statistics_view(self, request):
        stats = services.question_statistics()
        questions = Question.objects.filter(pk__in=stats).order_by("slug")
        rows = sorted(
            (
                {
                    "question": question,
                    "stats": stats[question.pk],
                    "share": (stats[question.pk].share_right or 0) * 100,  # None only if unanswered
                    "url": reverse("admin:quiz_question_change", args=[question.pk]),
                }
                for question in questions
            ),
            key=itemgetter("share"),
        )
        # Every choice question with how often each choice is picked (quiz and practice).
        items = sorted(
            (entry for entry in item_statistics() if entry.answered),
            key=lambda entry: (entry.share_right, entry.question.slug),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Question statistics (lowest share right first)",
            "rows": rows,
            "items": [
                {
                    "stats": entry,
                    "choices": entry.choice_rows(),
                    "url": reverse("admin:quiz_question_change", args=[entry.question.pk]),
                }
                for entry in items
            ],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "quiz/admin/question_statistics.html", context)


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "question_count",
        "pass_mark",
        "time_limit_minutes",
        "max_attempts",
        "reveal",
        "is_published",
        "position",
    )
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True
        super().save_model(request, obj, form, change)


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    extra = 0
    can_delete = False
    fields = (
        "position",
        "question",
        "prompt",
        "parameters",
        "expected",
        "engine_version",
        "result",
    )
    readonly_fields = fields

    @admin.display(description="answer")
    def result(self, item):
        answer = services.item_answer(item)
        if answer is None:
            return "-"
        return f"{answer.selected or answer.raw_value} -> {answer.score}"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = (
        "quiz",
        "learner_key",
        "number",
        "started_at",
        "finished_at",
        "score",
        "question_count",
    )
    list_filter = ("quiz",)
    search_fields = ("learner_key", "user__username")
    inlines = [AttemptItemInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PracticeAnswer)
class PracticeAnswerAdmin(admin.ModelAdmin):
    """Answers given in lesson practice and simulator actions (read-only: learners' record)."""

    list_display = ("answered_at", "item", "concept_list", "is_correct", "learner_key")
    list_filter = ("is_correct", "answered_at")
    search_fields = ("item", "concept_ids", "learner_key")
    readonly_fields = [f.name for f in PracticeAnswer._meta.fields]

    @admin.display(description="concepts")
    def concept_list(self, answer: PracticeAnswer) -> str:
        return concept_list(answer.concept_ids)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
