"""Every way the skill renders says the same: templates compiled at package time or from source,
a render remembered or fresh; and the whitespace tidying is what its rule says.

The contexts are the ones tests/test_templates.py renders every template with, so a template
added there is covered here too.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ModuleLoader, TemplateSyntaxError

from aftercare import speech
from aftercare.content import LocaleContent
from aftercare.speech import Renderer, Said, Voice, compile_templates
from tests.test_templates import CARDS, CONTENT_DIR, LIBRARY, SPEECH

CONTENT = LIBRARY.for_locale("en-US")
RENDERINGS = [("ssml", name, contexts) for name, contexts in SPEECH.items()] + [
    ("text", name, contexts) for name, contexts in CARDS.items()
]


class Rotating:
    """A chooser that takes each phrasing in turn, and counts how often it was asked."""

    def __init__(self, start: int = 0) -> None:
        self.calls = start

    def __call__(self, options: Sequence[str]) -> str:
        self.calls += 1
        return options[self.calls % len(options)]


Render = tuple[str, str, dict[str, Any], bool]
"""Speech or card, template name, context, quiet mode."""


def every_render(content: LocaleContent) -> Iterator[Render]:
    for kind, name, contexts in RENDERINGS:
        for context in contexts(content):
            for quiet in (False, True):
                yield kind, name, context, quiet


def say(renderer: Renderer, chooser: Rotating, render: Render) -> str:
    kind, name, context, quiet = render
    voice = Voice(CONTENT, renderer, chooser, quiet=quiet)
    return voice.ssml(name, **context) if kind == "ssml" else voice.text(name, **context)


@pytest.fixture(scope="module")
def compiled_renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    """The renderer as the Lambda artifact has it: content/ with its compiled templates."""
    content = tmp_path_factory.mktemp("artifact") / "content"
    shutil.copytree(CONTENT_DIR, content)
    compile_templates(content)
    return Renderer(content)


def test_the_artifact_loads_compiled_templates_and_a_checkout_compiles_them(
    compiled_renderer: Renderer,
) -> None:
    assert isinstance(compiled_renderer.env.loader, ModuleLoader)
    assert not isinstance(Renderer(CONTENT_DIR).env.loader, ModuleLoader)
    assert set(compiled_renderer.templates) == set(Renderer(CONTENT_DIR).templates)


def test_compiled_templates_say_exactly_what_the_source_says(
    compiled_renderer: Renderer,
) -> None:
    source = Renderer(CONTENT_DIR)
    count = 0
    for render in every_render(CONTENT):
        for start in range(3):
            from_source = say(source, Rotating(start), render)
            compiled = say(compiled_renderer, Rotating(start), render)
            assert compiled == from_source, render
            count += 1
    assert count > 500


def test_a_remembered_render_says_what_a_fresh_render_says_and_chooses_alike() -> None:
    remembering, fresh = Renderer(CONTENT_DIR), Renderer(CONTENT_DIR)
    memory_was_used = 0
    for render in every_render(CONTENT):
        # Several rounds: the first renders, later ones come from memory (or replay new choices).
        for start in (0, 1, 0, 2, 1):
            fresh.said = Said()
            remembered_chooser, fresh_chooser = Rotating(start), Rotating(start)
            kept = len(remembering.said.texts)
            remembered = say(remembering, remembered_chooser, render)
            expected = say(fresh, fresh_chooser, render)
            assert remembered == expected, render
            # The same phrasing choices were made, so a seeded run says the same either way.
            assert remembered_chooser.calls == fresh_chooser.calls
            memory_was_used += len(remembering.said.texts) == kept
    assert memory_was_used > 100


def test_beyond_its_limit_the_memory_forgets_and_still_says_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Said, "LIMIT", 3)
    remembering, fresh = Renderer(CONTENT_DIR), Renderer(CONTENT_DIR)
    for key in list(CONTENT.phrases)[:20]:
        for start in range(2):
            fresh.said = Said()
            expected = Voice(CONTENT, fresh, Rotating(start)).ssml("lines", keys=[key])
            remembered = Voice(CONTENT, remembering, Rotating(start)).ssml("lines", keys=[key])
            assert remembered == expected
            assert len(remembering.said.texts) <= 3


def test_a_context_holding_something_mutable_is_rendered_every_time() -> None:
    renderer = Renderer(CONTENT_DIR)
    voice = Voice(CONTENT, renderer, Rotating())
    safety = dict(CONTENT.facts["safety"])
    first = voice.ssml("safety", safety=safety)
    assert renderer.said.texts == {}
    safety["emergency"] = "000"
    assert "000" in voice.ssml("safety", safety=safety) != first


# The rule each tidying keeps, written as the regular expressions it replaced.
def tidy_ssml_rule(text: str) -> str:
    named = text.replace("&#39;", "&apos;").replace("&#34;", "&quot;")
    return re.sub(r">\s+<", "> <", re.sub(r"\s+", " ", named)).strip()


def tidy_text_rule(text: str) -> str:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


SPACES = st.sampled_from([" ", "\n", "\t", "\r\n", "\x0b", "\x0c", "\xa0", "\u2028", "  \n  "])
TEMPLATE_OUTPUT = st.lists(
    st.one_of(SPACES, st.sampled_from(["<s>", "</s>", "&#39;", "&#34;", "a", "b c", "<p>"])),
    max_size=30,
).map("".join)


@given(st.one_of(TEMPLATE_OUTPUT, st.text()))
def test_speech_whitespace_collapses_to_single_spaces(text: str) -> None:
    assert speech._tidy_ssml(text) == tidy_ssml_rule(text)


@given(st.one_of(TEMPLATE_OUTPUT, st.text()))
def test_card_lines_are_trimmed_and_blank_lines_kept_to_one(text: str) -> None:
    assert speech._tidy_text(text) == tidy_text_rule(text)


def test_compiling_fails_on_a_template_with_an_error(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "en" / "templates").mkdir(parents=True)
    (content / "en" / "templates" / "broken.ssml.j2").write_text("{% if %}")
    with pytest.raises(TemplateSyntaxError):
        compile_templates(content)
