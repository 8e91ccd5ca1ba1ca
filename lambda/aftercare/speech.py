"""Rendering what the skill says: one Jinja2 environment, every template ready at start-up.

Speech templates (``*.ssml.j2``) are autoescaped, so any value a listener can influence is safe
inside SSML. Card templates (``*.txt.j2``) are plain text for the Alexa app: escaping ``&`` there
would show as ``&amp;``, so they are the one place autoescape is off. The SSML validator checks
every rendered speech, which is where an unescaped value would show up.

The Lambda artifact carries every template compiled to Python (``tools/package.py`` calls
``compile_templates``), so a cold start imports them instead of compiling; a checkout, which has
none, compiles from source. Both use one environment, so they render the same.

A warm request mostly says what was said before: ``Said`` remembers every render, so saying it
again costs the phrasing choices and a lookup, not a template render.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    ModuleLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)

from aftercare.content import LocaleContent

Chooser = Callable[[Sequence[str]], str]
"""Picks one phrasing among several (random in use, deterministic in tests)."""

LAYOUT = "_voice.ssml.j2"
COMPILED = "_compiled_templates"
"""Folder of ``content/`` that holds the compiled templates, in the Lambda artifact only."""
_BLANK_LINES = re.compile(r"\n{3,}")


def _environment(loader: BaseLoader) -> Environment:
    environment = Environment(
        loader=loader,
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
    # Templates use only what Voice passes them. Jinja's default globals (range, dict, cycler,
    # ...) would otherwise be copied into every render's context.
    environment.globals.clear()
    return environment


def template_names(content_dir: Path) -> list[str]:
    """Every template under ``content/``, as the loaders name it (``en/templates/x.ssml.j2``)."""
    return sorted(path.relative_to(content_dir).as_posix() for path in content_dir.rglob("*.j2"))


def compile_templates(content_dir: Path) -> Path:
    """Compile every template into ``content/_compiled_templates`` as Python modules (at package
    time, into the artifact's copy of ``content/``); a template that does not compile fails."""
    target = content_dir / COMPILED
    _environment(FileSystemLoader(str(content_dir))).compile_templates(
        str(target), zip=None, filter_func=lambda name: name.endswith(".j2"), ignore_errors=False
    )
    return target


Key = tuple[Template, bool, tuple[tuple[str, type, Any], ...]]
"""What decides a render besides the phrasings: the template, quiet mode, and the context."""


_VALUES = (str, bool, int, float, tuple, list, type(None))


def _is_value(value: object) -> bool:
    """Compared by what it holds, not by identity: plain values and frozen dataclasses."""
    if isinstance(value, _VALUES):
        return True
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and bool(params.frozen)


def _key(template: Template, quiet: bool, context: dict[str, Any]) -> Key | None:
    """The render's key, or None when the context holds anything but values (never kept)."""
    if not all(_is_value(value) for value in context.values()):
        return None
    items = tuple(
        # The type too, so that True and 1 (equal in Python) are not taken for each other.
        (name, type(value), tuple(value) if type(value) is list else value)
        for name, value in context.items()
    )
    try:
        hash(items)
    except TypeError:  # a tuple or list holding a dict, say
        return None
    return template, quiet, items


class Said:
    """Every render, remembered by its key and the phrasings it chose, so saying the same thing
    again costs a few lookups instead of a template render.

    A render is a function of its key and its phrasings, and which phrasings a template asks for
    (the option lists passed to ``phrase`` and ``offer``, in order) depends on its key alone:
    templates only print what ``phrase`` and ``offer`` return, never test it. So a later render
    of the same key first makes the same choices, in the same order, with the request's chooser
    (random, or seeded, exactly as a render would), then looks the text up.
    """

    LIMIT = 4096
    """Kept renders; beyond it, everything is forgotten and relearnt (content is finite, so this
    only bounds memory)."""

    def __init__(self) -> None:
        self.asks: dict[Key, tuple[Sequence[str], ...]] = {}
        self.texts: dict[tuple[Key, tuple[str, ...]], str] = {}

    def keep(
        self, key: Key, asked: tuple[Sequence[str], ...], chosen: tuple[str, ...], text: str
    ) -> None:
        if len(self.texts) >= self.LIMIT:
            self.asks.clear()
            self.texts.clear()
        self.asks[key] = asked
        self.texts[(key, chosen)] = text


class Renderer:
    """Every template under ``content/``, loaded once at start-up: imported from the compiled
    modules when ``content/`` carries them, else compiled from source."""

    def __init__(self, content_dir: Path) -> None:
        compiled = content_dir / COMPILED
        loader = (
            ModuleLoader(str(compiled)) if compiled.is_dir() else FileSystemLoader(str(content_dir))
        )
        self.env = _environment(loader)
        self.templates: dict[str, Template] = {
            name: self.env.get_template(name) for name in template_names(content_dir)
        }
        self._found: dict[tuple[tuple[str, ...], str], Template] = {}
        self.said = Said()
        """What was rendered before (see ``Said``)."""

    def find(self, chain: tuple[str, ...], name: str) -> Template:
        """The template ``name`` of the most specific folder in ``chain`` that has it."""
        found = self._found.get((chain, name))
        if found is None:
            for folder in chain:
                found = self.templates.get(f"{folder}/templates/{name}")
                if found is not None:
                    break
            else:
                raise LookupError(f"no template {name!r} for {'/'.join(chain)}")
            self._found[(chain, name)] = found
        return found


def _tidy_ssml(text: str) -> str:
    # markupsafe escapes quotes as numeric references; Alexa documents the named ones. Every run
    # of whitespace (the templates' line breaks and indents) becomes one space.
    named = text.replace("&#39;", "&apos;").replace("&#34;", "&quot;")
    return " ".join(named.split())


def _tidy_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


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

    def ssml(self, name: str, **context: Any) -> str:
        """Inner SSML (no ``<speak>``) of ``<name>.ssml.j2``."""
        return self._say(f"{name}.ssml.j2", context, _tidy_ssml)

    def text(self, name: str, **context: Any) -> str:
        """Plain text of ``<name>.txt.j2``, for cards."""
        return self._say(f"{name}.txt.j2", context, _tidy_text)

    def _say(self, name: str, context: dict[str, Any], tidy: Callable[[str], str]) -> str:
        """The template's text: from memory when this key and these choices were said before."""
        template = self.renderer.find(self.content.chain, name)
        key = _key(template, self.quiet, context)
        if key is None:
            return self._render(template, context, tidy, self.choose, None)
        said = self.renderer.said
        asks = said.asks.get(key)
        if asks is None:
            return self._render(template, context, tidy, self.choose, key)
        choices = tuple(self.choose(options) for options in asks)
        text = said.texts.get((key, choices))
        if text is None:
            replay = iter(choices)
            text = self._render(template, context, tidy, lambda options: next(replay), key)
        return text

    def _render(
        self,
        template: Template,
        context: dict[str, Any],
        tidy: Callable[[str], str],
        choose: Chooser,
        key: Key | None,
    ) -> str:
        """Render ``template`` with ``choose`` picking the phrasings; kept under ``key``."""
        asked: list[Sequence[str]] = []
        chosen: list[str] = []

        def pick(options: Sequence[str]) -> str:
            choice = choose(options)
            asked.append(options)
            chosen.append(choice)
            return choice

        def phrase(key: str) -> str:
            return pick(self.content.phrases[key])

        def offer(target: str) -> str:
            return pick(self.content.offers[target])

        text = tidy(
            template.render(
                {
                    "phrase": phrase,
                    "offer": offer,
                    "layout": self.renderer.find(self.content.chain, LAYOUT),
                    "quiet": self.quiet,
                    **context,
                }
            )
        )
        if key is not None:
            self.renderer.said.keep(key, tuple(asked), tuple(chosen), text)
        return text
