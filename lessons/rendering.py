"""Lesson Markdown to safe HTML, once per edit.

Pipeline: markdown-it renders the author's Markdown (raw HTML allowed), nh3 sanitizes the result
with an allow-list, and only then are our own widgets put in: simulator embeds
(```` ```simulator W4``` ````) and glossary links (``[[term]]``). Those widgets are emitted as
unguessable placeholders during rendering, so an author can neither forge them nor smuggle htmx
attributes past the sanitizer.
"""

import html
import re
import secrets
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape, format_html
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.anchors import anchors_plugin

from core.concepts import PRESET_TITLES
from core.links import embed_url, preset_url

SIMULATOR_FENCE = "simulator"
HEADING_ID_PREFIX = "sec-"
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "kbd", "li", "ol", "p",
    "pre", "s", "small", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
SAFE_HEADING_ID = re.compile(rf"^{HEADING_ID_PREFIX}[a-z0-9-]+$")

UNKNOWN_PRESET = "Unknown simulator preset “{name}”: use one of {choices}."
MISSING_PRESET = "A simulator block needs a preset name, e.g. ```simulator W4```."
UNKNOWN_TERM = "Unknown glossary term “{name}”: add it to the glossary or fix the spelling."


@dataclass
class RenderedLesson:
    html: str
    toc: list[dict] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)
    text: str = ""
    problems: list[str] = field(default_factory=list)


def _heading_slug(title: str) -> str:
    return HEADING_ID_PREFIX + (slugify(title) or "section")


def _keep_safe_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Author ids could clobber the page's own ids (main, nav...); only our heading ids pass.
    if attribute == "id" and not SAFE_HEADING_ID.match(value):
        return None
    return value


def sanitize(markup: str) -> str:
    """Allow-list: no script, style, iframe, event handlers, javascript: URLs, hx-* attributes."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_safe_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _glossary_rule(state: StateInline, silent: bool) -> bool:
    """Inline ``[[term]]`` or ``[[term|shown text]]``."""
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = state.src.find("]]", start + 2)
    inner = state.src[start + 2 : end] if end != -1 else ""
    if not inner.strip() or "\n" in inner or "[" in inner:
        return False
    if not silent:
        ref, _, label = inner.partition("|")
        token = state.push("glossary_ref", "", 0)
        # [[liquidation-price]] reads as "liquidation price" in the text.
        token.meta = {"ref": ref.strip(), "label": (label or ref.replace("-", " ")).strip()}
    state.pos = end + 2
    return True


class _Widgets:
    """Placeholders emitted while rendering, replaced by trusted markup after sanitizing."""

    def __init__(self, glossary: dict[str, dict]):
        self.nonce = secrets.token_hex(8)
        self.glossary = glossary
        self.replacements: dict[str, tuple[str, str]] = {}  # placeholder -> (html, plain text)
        self.terms: dict[str, dict] = {}
        self.problems: list[str] = []

    def placeholder(self, markup: str, text: str) -> str:
        key = f"zzwidget{self.nonce}n{len(self.replacements)}zz"
        self.replacements[key] = (markup, text)
        return key

    def error_box(self, message: str, *, inline: bool = False) -> str:
        self.problems.append(message)
        if inline:
            return format_html(
                '<strong class="badge text-bg-danger text-wrap lesson-block-error">{}</strong>',
                message,
            )
        return format_html(
            '<div class="alert alert-danger lesson-block-error" role="alert">'
            "<strong>Lesson block error.</strong> {}</div>",
            message,
        )

    def simulator(self, info: str) -> str:
        parts = info.split()
        if len(parts) < 2:
            return f"<p>{self.placeholder(self.error_box(MISSING_PRESET), '')}</p>\n"
        preset = parts[1]
        if preset not in PRESET_TITLES:
            message = UNKNOWN_PRESET.format(name=preset, choices=", ".join(PRESET_TITLES))
            return f"<p>{self.placeholder(self.error_box(message), '')}</p>\n"
        title = PRESET_TITLES[preset]
        markup = format_html(
            '<figure class="simulator-block card my-4" data-preset="{preset}">'
            '<figcaption class="card-header"><span class="badge text-bg-primary me-2">'
            "In the simulator</span>{title}</figcaption>"
            '<div class="card-body simulator-embed" hx-get="{embed}" hx-trigger="load" '
            'hx-swap="innerHTML">'
            '<p class="mb-0 text-body-secondary">This example runs in the simulator: '
            "use the link below to open it.</p></div>"
            '<div class="card-footer"><a class="simulator-fallback-link" href="{url}">'
            "Open this example in the full simulator</a></div></figure>",
            preset=preset,
            title=title,
            embed=embed_url(preset),
            url=preset_url(preset),
        )
        return f"<p>{self.placeholder(markup, f'In the simulator: {title}')}</p>\n"

    def glossary_ref(self, ref: str, label: str) -> str:
        term = self.glossary.get(slugify(ref))
        if term is None:
            return self.placeholder(
                self.error_box(UNKNOWN_TERM.format(name=ref), inline=True), label
            )
        self.terms.setdefault(term["slug"], term)
        markup = format_html(
            '<a class="glossary-term" href="#term-{slug}" '
            'aria-describedby="term-{slug}-definition">{label}</a>',
            slug=term["slug"],
            label=label,
        )
        return self.placeholder(markup, label)

    def put_back(self, sanitized: str) -> tuple[str, str]:
        markup, text = sanitized, sanitized
        for key, (widget_html, widget_text) in self.replacements.items():
            markup = markup.replace(f"<p>{key}</p>", widget_html).replace(key, widget_html)
            text = text.replace(key, escape(widget_text))
        return markup, text


def _render_fence(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.info.split(maxsplit=1)[:1] == [SIMULATOR_FENCE]:
        return env["widgets"].simulator(token.info)
    return self.fence_default(tokens, idx, options, env)


def _render_glossary_ref(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    return env["widgets"].glossary_ref(meta["ref"], meta["label"])


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_heading_slug)
    md.inline.ruler.before("link", "glossary_ref", _glossary_rule)
    # The renderer is a RendererHTML (it has rules); fence_default is our own spare attribute,
    # the default fence renderer that _render_fence falls back to.
    md.renderer.fence_default = md.renderer.rules["fence"]  # type: ignore[attr-defined]
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("glossary_ref", _render_glossary_ref)
    return md


MARKDOWN = _build_markdown()


def _table_of_contents(tokens) -> list[dict]:
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3") and token.attrGet("id"):
            inline = tokens[index + 1]
            title = "".join(
                child.content
                for child in inline.children or []
                if child.type in ("text", "code_inline")
            )
            toc.append({"level": int(token.tag[1]), "id": token.attrGet("id"), "title": title})
    return toc


def _plain_text(sanitized_markup: str) -> str:
    text = html.unescape(nh3.clean(sanitized_markup, tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def glossary_lookup(terms) -> dict[str, dict]:
    """Map slug and slugified term to a plain dict, so rendering needs no database."""
    lookup = {}
    for term in terms:
        entry = {"slug": term.slug, "term": term.term, "definition": term.definition}
        lookup[term.slug] = entry
        lookup.setdefault(slugify(term.term), entry)
    return lookup


# The sanitizer removes these elements with their content; one left open removes the rest of
# the lesson with it, silently (security review F14), so the author is told.
DROPPED_WITH_CONTENT = ("style", "script")
UNCLOSED_TAG = (
    "An unclosed <{tag}> hides everything after it from learners: close it with </{tag}> or "
    "remove it (<{tag}> content is never shown)."
)


def unclosed_dropped_tags(raw_html: str) -> list[str]:
    problems = []
    for tag in DROPPED_WITH_CONTENT:
        opened = len(re.findall(rf"<{tag}\b", raw_html, re.IGNORECASE))
        closed = len(re.findall(rf"</{tag}\s*>", raw_html, re.IGNORECASE))
        if opened > closed:
            problems.append(UNCLOSED_TAG.format(tag=tag))
    return problems


def render_lesson_body(markdown_text: str, glossary: dict[str, dict]) -> RenderedLesson:
    """Render a lesson body; unknown presets and terms become visible error boxes, not errors.

    ``glossary`` is ``glossary_lookup`` of the terms to link: rendering reads no database.
    """
    widgets = _Widgets(glossary)
    env = {"widgets": widgets}
    tokens = MARKDOWN.parse(markdown_text, env)
    raw = MARKDOWN.renderer.render(tokens, MARKDOWN.options, env)
    widgets.problems.extend(unclosed_dropped_tags(raw))
    markup, text_source = widgets.put_back(sanitize(raw))
    return RenderedLesson(
        html=markup,
        toc=_table_of_contents(tokens),
        terms=list(widgets.terms.values()),
        text=_plain_text(text_source),
        problems=widgets.problems,
    )
