"""Rendering what the skill says: one Jinja2 environment, every template compiled once.

Speech templates (``*.ssml.j2``) are autoescaped, so any value a listener can influence is safe
inside SSML. Card templates (``*.txt.j2``) are plain text for the Alexa app: escaping ``&`` there
would show as ``&amp;``, so they are the one place autoescape is off. The SSML validator checks
every rendered speech, which is where an unescaped value would show up.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from aftercare.content import LocaleContent

Chooser = Callable[[Sequence[str]], str]
"""Picks one phrasing among several (random in use, deterministic in tests)."""

LAYOUT = "_voice.ssml.j2"
_SPACE = re.compile(r"\s+")
_SPACE_BETWEEN_TAGS = re.compile(r">\s+<")


class Renderer:
    """Every template under ``content/``, compiled at start-up."""

    def __init__(self, content_dir: Path) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(content_dir)),
            autoescape=select_autoescape(
                enabled_extensions=("ssml.j2",),
                disabled_extensions=("txt.j2",),
                default_for_string=True,
                default=True,
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=-1,
        )
        self.templates: dict[str, Template] = {
            name: self.env.get_template(name)
            for name in self.env.list_templates(filter_func=lambda n: n.endswith(".j2"))
        }

    def find(self, chain: Sequence[str], name: str) -> Template:
        for folder in chain:
            template = self.templates.get(f"{folder}/templates/{name}")
            if template is not None:
                return template
        raise LookupError(f"no template {name!r} for {'/'.join(chain)}")


def _tidy_ssml(text: str) -> str:
    # markupsafe escapes quotes as numeric references; Alexa documents the named ones.
    named = text.replace("&#39;", "&apos;").replace("&#34;", "&quot;")
    return _SPACE_BETWEEN_TAGS.sub("> <", _SPACE.sub(" ", named)).strip()


def _tidy_text(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class Voice:
    """One locale's words and templates, as used for one request."""

    def __init__(
        self,
        content: LocaleContent,
        renderer: Renderer,
        choose: Chooser,
        quiet: bool = False,
    ) -> None:
        self.content = content
        self.renderer = renderer
        self.choose = choose
        self.quiet = quiet

    def phrase(self, key: str) -> str:
        return self.choose(self.content.phrases[key])

    def offer(self, target: str) -> str:
        return self.choose(self.content.offers[target])

    def _context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "offer": self.offer,
            "layout": self.renderer.find(self.content.chain, LAYOUT),
            "quiet": self.quiet,
            **context,
        }

    def ssml(self, name: str, **context: Any) -> str:
        """Inner SSML (no ``<speak>``) of ``<name>.ssml.j2``."""
        template = self.renderer.find(self.content.chain, f"{name}.ssml.j2")
        return _tidy_ssml(template.render(self._context(context)))

    def text(self, name: str, **context: Any) -> str:
        """Plain text of ``<name>.txt.j2``, for cards."""
        template = self.renderer.find(self.content.chain, f"{name}.txt.j2")
        return _tidy_text(template.render(self._context(context)))


def random_chooser(rng: random.Random) -> Chooser:
    return rng.choice
