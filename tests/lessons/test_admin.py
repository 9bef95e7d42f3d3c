import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons.models import GlossaryTerm, Lesson

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:lessons_lesson_changelist"


def md_upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def test_instructors_can_list_search_and_filter_lessons(client, instructor, course):
    client.force_login(instructor)
    response = client.get(reverse(CHANGELIST), {"q": "liquidation", "published__exact": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "The liquidation price, to the cent" in content
    assert "Import Markdown" in content


def test_the_change_page_shows_a_rendered_preview_with_problems(client, instructor, make_lesson):
    lesson = make_lesson(body="**Bold** and\n\n```simulator W99\n```", published=False)
    client.force_login(instructor)
    content = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    assert "<strong>Bold</strong>" in content
    assert "Unknown simulator preset “W99”" in content
    assert "Draft: learners cannot see it." in content


def test_saving_a_lesson_with_an_unknown_block_warns_the_instructor(
    client, instructor, make_lesson
):
    lesson = make_lesson()
    client.force_login(instructor)
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        {
            "module": lesson.module.pk,
            "title": "Edited",
            "slug": lesson.slug,
            "summary": "",
            "order": 1,
            "published": "on",
            "concepts": "c04, W3 C04",
            "body": "```simulator W0\n```",
        },
        follow=True,
    )
    lesson.refresh_from_db()
    assert lesson.title == "Edited"
    assert lesson.concepts == ["C04", "W3"]
    assert "Unknown simulator preset “W0”" in response.content.decode()


def test_bad_concept_ids_are_refused_beside_the_field(client, instructor, make_lesson):
    lesson = make_lesson()
    client.force_login(instructor)
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        {
            "module": lesson.module.pk,
            "title": "T",
            "slug": lesson.slug,
            "order": 1,
            "concepts": "C01, C99",
            "body": "x",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index("field-concepts") :]
    row = row[: row.index('<div class="form-row')]
    assert "C99 is not a concept of the course; known: C01–C28, W1–W10, E1–E5, PB1–PB5." in row


def test_history_can_revert_a_lesson(client, instructor, make_lesson):
    lesson = make_lesson(title="Original", body="original body")
    lesson.title, lesson.body = "Vandalised", "oops"
    lesson.save()
    original = lesson.history.earliest()
    client.force_login(instructor)
    history = client.get(reverse("admin:lessons_lesson_history", args=[lesson.pk]))
    assert history.status_code == 200
    assert "Vandalised" in history.content.decode()
    revert_url = reverse("admin:lessons_lesson_simple_history", args=[lesson.pk, original.pk])
    form = client.get(revert_url)
    assert form.status_code == 200
    client.post(
        revert_url,
        {
            "module": lesson.module.pk,
            "title": original.title,
            "slug": original.slug,
            "summary": original.summary,
            "order": original.order,
            "published": "on",
            "concepts": "",
            "body": original.body,
        },
    )
    lesson.refresh_from_db()
    assert lesson.title == "Original"
    assert "original body" in lesson.body_html


def test_export_action_returns_a_zip_of_markdown_files(client, instructor, course):
    client.force_login(instructor)
    ids = list(Lesson.objects.filter(module__slug="foundations").values_list("pk", flat=True))
    response = client.post(
        reverse(CHANGELIST), {"action": "export_markdown", "_selected_action": ids}
    )
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "foundations/02-initial-margin.md" in names
    assert len(names) == len(ids)


def test_import_creates_and_updates_lessons_from_markdown(client, instructor, course):
    client.force_login(instructor)
    url = reverse("admin:lessons_lesson_import")
    assert client.get(url).status_code == 200
    new = "---\ntitle: Brand new\nslug: brand-new\nmodule: foundations\nconcepts: [C01]\n---\nHi.\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/brand-new.md", new)
        archive.writestr(
            "a/initial-margin.md",
            "---\ntitle: Initial margin v2\nslug: initial-margin\nmodule: foundations\n---\nNew.\n",
        )
        archive.writestr("a/broken.md", "no front matter")
    upload = SimpleUploadedFile("lessons.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post(url, {"files": upload}, follow=True)
    content = response.content.decode()
    assert "Imported 1 new and 1 updated lesson(s)." in content
    assert "broken.md: no front matter" in content
    created = Lesson.objects.get(slug="brand-new")
    assert created.published is False  # imports stay drafts unless the file says otherwise
    assert Lesson.objects.get(slug="initial-margin").title == "Initial margin v2"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "Upload a .md file or a .zip"),
        ("bad.zip", b"not a zip", "The zip file cannot be read."),
        ("lesson.md", b"---\ntitle: T\n---\nx", "choose a default module"),
        ("lesson.md", b"---\ntitle: T\nmodule: nowhere\n---\nx", "unknown module"),
        ("lesson.md", b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_bad_imports_are_reported_not_crashed(client, instructor, course, name, data, message):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:lessons_lesson_import"), {"files": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_import_with_a_default_module(client, instructor, course):
    client.force_login(instructor)
    module = course.modules.get(slug="risk-practice")
    client.post(
        reverse("admin:lessons_lesson_import"),
        {
            "files": md_upload("09-extra.md", "---\ntitle: Extra\n---\nx"),
            "default_module": module.pk,
        },
    )
    assert Lesson.objects.get(slug="extra").module == module


def test_publish_and_unpublish_actions(client, instructor, make_lesson):
    lesson = make_lesson(published=False)
    client.force_login(instructor)
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [lesson.pk]})
    lesson.refresh_from_db()
    assert lesson.published
    client.post(reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [lesson.pk]})
    lesson.refresh_from_db()
    assert not lesson.published


def test_preview_renders_unsaved_markdown_without_storing_it(client, instructor, make_lesson):
    lesson = make_lesson(body="saved body")
    client.force_login(instructor)
    url = reverse("admin:lessons_lesson_preview")
    response = client.post(
        url, {"body": "**unsaved** <script>x()</script>\n\n```simulator W77\n```"}
    )
    content = response.content.decode()
    assert "<strong>unsaved</strong>" in content
    assert "<script" not in content
    assert "Unknown simulator preset “W77”" in content
    lesson.refresh_from_db()
    assert lesson.body == "saved body\n"
    assert client.get(url).status_code == 405


def test_preview_is_for_instructors_only(client, learner):
    url = reverse("admin:lessons_lesson_preview")
    assert client.post(url, {"body": "x"}).status_code == 302
    client.force_login(learner)
    assert client.post(url, {"body": "x"}).status_code == 302


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [
        ("c06 W6, E1", ["C06", "W6", "E1"], ""),
        ("", [], ""),
        ("C06 Z1", None, "Z1 is not a concept of the course; known: C01–C28, W1–W10, E1–E5"),
    ],
)
def test_a_glossary_term_s_concepts_are_typed_as_ids(client, instructor, typed, stored, message):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:lessons_glossaryterm_add"),
        {"term": "Buffer", "slug": "buffer", "definition": "Room.", "concepts": typed},
    )
    if stored is None:
        assert response.status_code == 200
        html = response.content.decode()
        row = html[html.index("field-concepts") :]
        assert message in row[: row.index("</fieldset>")]
        assert not GlossaryTerm.objects.filter(slug="buffer").exists()
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        term = GlossaryTerm.objects.get(slug="buffer")
        assert term.concepts == stored
        change = client.get(reverse("admin:lessons_glossaryterm_change", args=[term.pk]))
        assert change.status_code == 200
        if stored:  # shown back as typed ids, no JSON
            assert f'name="concepts" value="{", ".join(stored)}"' in change.content.decode()
