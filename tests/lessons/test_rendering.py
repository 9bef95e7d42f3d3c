import re

import pytest

from lessons.rendering import glossary_lookup, render_lesson_body, sanitize

GLOSSARY = {
    "liquidation-price": {
        "slug": "liquidation-price",
        "term": "Liquidation price",
        "definition": "Where it is closed.",
    }
}

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="jav&#x61;script:alert(1)">click</a>',
    '<div onclick="alert(1)">x</div>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<button hx-get="/admin/" hx-trigger="load">x</button>',
    '<div data-hx-post="/learn/" data-hx-trigger="load">x</div>',
    '<form action="/x"><input name="q"></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<h2 id="main">clobber</h2>',
    '```simulator W4\n```\n<div hx-get="/evil/">x</div>',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onclick",
    "onload",
    "ontoggle",
    "<iframe",
    "<svg",
    "style=",
    "<form",
    "<input",
    "<object",
    "<embed",
    "data-hx",
    'id="main"',
    "/evil/",
    "/admin/",
]


@pytest.mark.parametrize("attack", XSS_CORPUS)
def test_xss_attempts_in_markdown_are_neutralised(attack):
    html = render_lesson_body(attack, glossary=GLOSSARY).html
    lowered = html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, (needle, html)
    # A refused link may stay as harmless text; no attribute may carry a script URL.
    assert not re.search(r"(href|src|action)\s*=\s*\"?\s*(javascript|data|vbscript):", lowered)


def test_only_our_own_simulator_embed_keeps_htmx_attributes():
    html = render_lesson_body(
        '```simulator W4\n```\n\n<p hx-get="/evil/">author</p>', glossary={}
    ).html
    assert html.count("hx-get=") == 1
    assert 'hx-get="/simulator/embed/W4/"' in html


def test_an_author_cannot_forge_a_widget_placeholder():
    first = render_lesson_body("```simulator W4\n```", glossary={})
    forged = "zzwidget0000000000000000n0zz"
    html = render_lesson_body(forged, glossary={}).html
    assert "hx-get" not in html
    assert forged in html
    assert "zzwidget" not in first.html


def test_simulator_block_embeds_the_preset_with_a_link_that_works_without_javascript():
    rendered = render_lesson_body("Intro\n\n```simulator W6\n```\n", glossary={})
    assert 'hx-get="/simulator/embed/W6/"' in rendered.html
    assert 'hx-trigger="load"' in rendered.html
    assert 'hx-swap="innerHTML"' in rendered.html
    assert 'href="/simulator/?preset=W6"' in rendered.html
    assert "10x isolated BTC long at $65,000" in rendered.html
    assert rendered.problems == []


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("```simulator W42\n```", "Unknown simulator preset “W42”"),
        ("```simulator <b>x</b>\n```", "Unknown simulator preset “&lt;b&gt;x&lt;/b&gt;”"),
        ("```simulator\n```", "needs a preset name"),
    ],
)
def test_unknown_simulator_blocks_render_a_visible_error_box(block, message):
    rendered = render_lesson_body(block, glossary={})
    assert 'role="alert"' in rendered.html
    assert message in rendered.html
    assert "hx-get" not in rendered.html
    assert len(rendered.problems) == 1


def test_other_fenced_code_stays_code():
    html = render_lesson_body("```python\nprint('<b>')\n```", glossary={}).html
    assert "<pre><code>" in html
    assert "&lt;b&gt;" in html


def test_glossary_terms_link_to_their_definition_accessibly():
    rendered = render_lesson_body(
        "A [[liquidation-price]] and [[Liquidation price|the line]].", glossary=GLOSSARY
    )
    assert (
        '<a class="glossary-term" href="#term-liquidation-price" '
        'aria-describedby="term-liquidation-price-definition">liquidation price</a>'
    ) in rendered.html
    assert ">the line</a>" in rendered.html
    assert rendered.terms == [GLOSSARY["liquidation-price"]]


def test_unknown_glossary_term_is_a_visible_problem():
    rendered = render_lesson_body("A [[no-such-term]] here.", glossary=GLOSSARY)
    assert "Unknown glossary term “no-such-term”" in rendered.html
    assert rendered.terms == []
    assert rendered.problems


def test_headings_get_prefixed_ids_and_a_table_of_contents():
    rendered = render_lesson_body(
        "## The position\n\ntext\n\n### Detail *here*\n\n## The position\n", glossary={}
    )
    assert '<h2 id="sec-the-position">' in rendered.html
    assert [entry["id"] for entry in rendered.toc] == [
        "sec-the-position",
        "sec-detail-here",
        "sec-the-position-1",
    ]
    assert rendered.toc[1] == {"level": 3, "id": "sec-detail-here", "title": "Detail here"}


def test_tables_and_plain_text_for_search():
    rendered = render_lesson_body("| a | b |\n|---|---|\n| 1 &amp; 2 | 3 |", glossary={})
    assert "<table>" in rendered.html
    assert rendered.text == "a b 1 & 2 3"


def test_sanitize_keeps_ordinary_formatting():
    html = sanitize('<p><strong>x</strong> <a href="/learn/">y</a> <abbr title="t">z</abbr></p>')
    assert "<strong>x</strong>" in html
    assert 'href="/learn/"' in html
    assert '<abbr title="t">' in html


@pytest.mark.django_db
def test_glossary_lookup_maps_slug_and_term(glossary_term):
    lookup = glossary_lookup([glossary_term])
    assert lookup["liquidation-price"]["definition"] == "Where it is closed."
