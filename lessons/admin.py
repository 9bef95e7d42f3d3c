from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from core.concept_fields import concept_list
from lessons.forms import LessonImportForm
from lessons.importing import lessons_export_zip, lessons_import
from lessons.models import Course, GlossaryTerm, Lesson, LessonCompletion, Module
from lessons.rendering import glossary_lookup, render_lesson_body

ADMIN_MEDIA = {"all": ("css/lessons-admin.css",)}


class LoadedContentAdminMixin:
    @admin.display(boolean=True, description="Edited since load")
    def edited_since_load(self, obj):
        return obj.edited_since_load


@admin.register(Course)
class CourseAdmin(LoadedContentAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "edited_since_load")
    search_fields = ("title",)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("order", "title", "slug", "published")
    ordering = ("order",)
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(LoadedContentAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "slug", "order", "course", "edited_since_load")
    list_editable = ("order",)
    ordering = ("order",)
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (LessonInline,)


@admin.register(Lesson)
class LessonAdmin(LoadedContentAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "title",
        "module",
        "order",
        "published",
        "reading_minutes",
        "concept_list",
        "problem_count",
        "edited_since_load",
    )
    list_display_links = ("title",)
    list_editable = ("order",)
    list_filter = ("published", "module")
    list_select_related = ("module",)
    search_fields = ("title", "summary", "body", "slug")
    ordering = ("module__order", "order")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview", "reading_minutes", "updated_at", "edited_since_load")
    fieldsets = (
        (None, {"fields": ("module", "title", "slug", "summary", "order", "published")}),
        ("Content", {"fields": ("concepts", "body")}),
        (
            "Rendered preview",
            {
                "fields": ("preview",),
                "description": "What learners will see. “Preview without saving” renders the "
                "text above as it is now; saving also stores it.",
            },
        ),
        ("About", {"fields": ("reading_minutes", "updated_at", "edited_since_load")}),
    )
    actions = ("publish", "unpublish", "export_markdown")
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 24, "cols": 100})},
    }
    change_list_template = "admin/lessons/lesson/change_list.html"

    class Media:
        css = ADMIN_MEDIA
        js = ("js/lessons-admin.js",)

    @admin.display(description="Concepts")
    def concept_list(self, obj: Lesson) -> str:
        return concept_list(obj.concepts)

    @admin.display(description="Problems")
    def problem_count(self, obj):
        return len(obj.render_problems) or ""

    @admin.display(description="Preview")
    def preview(self, obj):
        """The stored rendering; lessons-admin.js refreshes it from the unsaved text on request."""
        preview_url = reverse("admin:lessons_lesson_preview")
        if not obj.pk:
            return format_html(
                '<div id="lesson-preview" data-preview-url="{}"><p>Write the body, then use '
                "“Preview without saving”.</p></div>",
                preview_url,
            )
        banner = (
            "" if obj.published else '<p class="lesson-draft">Draft: learners cannot see it.</p>'
        )
        return format_html(
            '{}<div id="lesson-preview" data-preview-url="{}">{}</div>'
            '<p><a href="{}">Open the saved version on the site</a></p>',
            mark_safe(banner),  # noqa: S308  (a constant)
            preview_url,
            self._preview_body(obj.body_html, obj.render_problems),
            obj.get_absolute_url(),
        )

    @staticmethod
    def _preview_body(body_html, problems):
        problem_list = format_html_join(
            "", '<li class="lesson-problem">{}</li>', ((problem,) for problem in problems)
        )
        return format_html(
            '<div class="lesson-preview-wrap">{}<div class="lesson-preview">{}</div></div>',
            format_html('<ul class="lesson-problems">{}</ul>', problem_list) if problems else "",
            mark_safe(body_html),  # noqa: S308  (sanitized by nh3 in render_lesson_body)
        )

    def preview_view(self, request):
        """Render unsaved Markdown for the change form (POST body=...); nothing is stored."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        rendered = render_lesson_body(
            request.POST.get("body", ""), glossary_lookup(GlossaryTerm.objects.all())
        )
        return HttpResponse(self._preview_body(rendered.html, rendered.problems))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for problem in obj.render_problems:
            messages.warning(request, f"{obj.title}: {problem}")

    @admin.action(description="Publish selected lessons", permissions=("change",))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected lessons", permissions=("change",))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        # Saved one by one so each change is rendered and recorded in the history.
        changed = 0
        for lesson in queryset.select_related("module"):
            if lesson.published != published:
                lesson.published = published
                lesson.save()
                changed += 1
        state = "published" if published else "unpublished"
        self.message_user(request, f"{changed} lesson(s) {state}.", messages.SUCCESS)

    @admin.action(description="Export selected lessons as Markdown (zip)", permissions=("view",))
    def export_markdown(self, request, queryset):
        data = lessons_export_zip(
            queryset.select_related("module").order_by("module__order", "order")
        )
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="lessons.zip"'
        return response

    def get_urls(self):
        custom = [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="lessons_lesson_preview",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="lessons_lesson_import",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return redirect("admin:lessons_lesson_changelist")
        form = LessonImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = lessons_import(
                upload=form.cleaned_data["files"],
                default_module=form.cleaned_data["default_module"],
            )
            for error in report.errors:
                messages.error(request, error)
            if report.created or report.updated:
                messages.success(
                    request,
                    f"Imported {len(report.created)} new and {len(report.updated)} updated "
                    "lesson(s).",
                )
                return redirect("admin:lessons_lesson_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Import lessons from Markdown",
            "changelist_url": reverse("admin:lessons_lesson_changelist"),
        }
        return render(request, "admin/lessons/lesson/import.html", context)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(LoadedContentAdminMixin, SimpleHistoryAdmin):
    list_display = ("term", "slug", "concept_list", "edited_since_load")
    search_fields = ("term", "definition", "slug")
    ordering = ("term",)
    prepopulated_fields = {"slug": ("term",)}

    @admin.display(description="Concepts")
    def concept_list(self, obj: GlossaryTerm) -> str:
        return concept_list(obj.concepts)


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "completed_at")
    list_filter = ("lesson__module",)
    list_select_related = ("user", "lesson")
    search_fields = ("user__username", "lesson__title")
    readonly_fields = ("user", "lesson", "completed_at")
