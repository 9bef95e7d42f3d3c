import pytest

from lessons.markdown_files import LessonFileError, lesson_to_markdown, parse_lesson_markdown

GOOD = """---
title: Initial margin
summary: Size over leverage.
concepts: [C02, E3]
---
Body **text**.
"""


def test_front_matter_and_file_name_give_slug_order_and_fields():
    source = parse_lesson_markdown(GOOD, filename="content/01-foundations/02-initial-margin.md")
    assert source.slug == "initial-margin"
    assert source.order == 2
    assert source.title == "Initial margin"
    assert source.concepts == ["C02", "E3"]
    assert source.published is True
    assert source.module is None
    assert source.body == "Body **text**.\n"


def test_figures_are_read_as_text_per_preset_and_fact():
    text = GOOD.replace(
        "concepts: [C02, E3]\n",
        "concepts: [C02, E3]\nfigures:\n"
        '  W4: {A_liquidation_price: "58,793.97", A_distance: 9.55%}\n',
    )
    source = parse_lesson_markdown(text, filename="02-initial-margin.md")
    assert source.figures == {"W4": {"A_liquidation_price": "58,793.97", "A_distance": "9.55%"}}
    assert parse_lesson_markdown(GOOD, filename="02-initial-margin.md").figures == {}


@pytest.mark.parametrize("concepts", ["[C02, W1]", "C02 W1", "c02, W1, C02"])
def test_front_matter_concepts_are_read_as_one_list(concepts):
    text = f"---\ntitle: T\nconcepts: {concepts}\n---\nx"
    assert parse_lesson_markdown(text, filename="x.md").concepts == ["C02", "W1"]


def test_imports_default_to_unpublished():
    source = parse_lesson_markdown(GOOD, filename="x.md", default_published=False)
    assert source.published is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "no front matter"),
        ("---\ntitle: [unclosed\n---\nx", "not valid YAML"),
        ("---\n- a list\n---\nx", "key: value"),
        ("---\nsummary: s\n---\nx", "needs a title"),
        ("---\ntitle: T\nconcepts: {C01: 1}\n---\nx", "Concepts are a list of ids such as C04"),
        ("---\ntitle: T\nconcepts: [C99]\n---\nx", "C99 is not a concept of the course"),
        ("---\ntitle: T\nconcepts: C01 X9\n---\nx", "X9 is not a concept of the course"),
        ("---\ntitle: T\norder: first\n---\nx", "whole number"),
        ("---\ntitle: T\npublished: maybe\n---\nx", "true or false"),
        ("---\ntitle: T\nfigures: [W4]\n---\nx", "figures must map a preset"),
        ("---\ntitle: T\nfigures: {W4: 58793.97}\n---\nx", "figures must map a preset"),
        ("---\ntitle: T\nfigures: {W99: {equity: x}}\n---\nx", "unknown presets W99"),
    ],
)
def test_bad_files_raise_a_message_naming_the_problem(text, message):
    with pytest.raises(LessonFileError, match=message):
        parse_lesson_markdown(text, filename="lesson.md")


@pytest.mark.django_db
def test_export_reads_back_to_the_same_lesson(make_lesson):
    lesson = make_lesson(
        "gap-risk", title="Gap: risk", body="# x\n\ntext", concepts=["C15"], order=4
    )
    source = parse_lesson_markdown(lesson_to_markdown(lesson), filename="whatever.md")
    assert (source.slug, source.title, source.module, source.order) == (
        "gap-risk",
        "Gap: risk",
        "basics",
        4,
    )
    assert source.concepts == ["C15"]
    assert source.body == lesson.body
    assert source.published is True
