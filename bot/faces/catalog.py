"""The message catalog's maintenance: every text a reply can show, gathered from where it is written.

``python -m bot.faces.catalog`` rewrites ``templates/locale/messages.pot`` and merges it into each shipped
locale's ``.po`` (new texts arrive untranslated, texts no longer used are dropped); a translator then fills the
``msgstr`` lines. The sources are the message templates (``_()`` calls), Python texts marked with ``N_`` and the
help lines of every chat command. The locale-completeness test uses :func:`messages` too.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.core import i18n
from bot.core.commands import CommandSpec
from bot.core.render import environment

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers")


def template_messages() -> Iterator[tuple[str, str]]:
    """(message, where) for every ``_()`` in ``templates/messages``."""
    env = environment(i18n.SOURCE_LOCALE)
    folder = files("templates").joinpath("messages")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".j2"):
            found = env.extract_translations(entry.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
            for lineno, _func, message in found:
                text = message[0] if isinstance(message, tuple) else message  # _("…", name=x): ("…", None)
                if isinstance(text, str):
                    yield text, f"templates/messages/{entry.name}:{lineno}"


def python_messages() -> Iterator[tuple[str, str]]:
    """(message, where) for every ``N_("…")`` in our Python packages."""
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                name = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else "")
                if (isinstance(node, ast.Call) and name == "N_"
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    yield node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}"


def command_messages(specs: tuple[CommandSpec, ...]) -> Iterator[tuple[str, str]]:
    """(message, where) for the help line of every command and subcommand (argument labels carry their own
    English: ``Text("内容", "TEXT")``)."""
    for spec in specs:
        yield spec.help, f"/{spec.name}"
        for sub in spec.subs:
            if sub.help:
                yield sub.help, f"/{spec.name} {sub.name}"


def all_commands() -> tuple[CommandSpec, ...]:
    """Every chat command the bot knows, as /help lists them."""
    from bot.core.config import Config
    from handlers import build_dispatcher

    return build_dispatcher(Config()).commands


def messages() -> dict[str, list[str]]:
    """Every catalog message with where it is used."""
    out: dict[str, list[str]] = {}
    for message, where in (*template_messages(), *python_messages(), *command_messages(all_commands())):
        if message:
            out.setdefault(message, []).append(where)
    return out


def update(root: Path = ROOT / "templates" / "locale") -> None:
    """Rewrite the template and merge it into every shipped locale's catalog."""
    template = Catalog(locale=None, project="quntag", fuzzy=False)
    for message, where in messages().items():
        template.add(message, locations=[(w.rsplit(":", 1)[0], 0) for w in where[:3]])
    with open(root / "messages.pot", "wb") as fh:
        write_po(fh, template, omit_header=False, width=120, sort_output=True)
    for locale in i18n.LOCALES:
        if locale == i18n.SOURCE_LOCALE:
            continue
        po = root / i18n.po_path(locale).removeprefix("locale/")
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=locale.replace("-", "_"))
        else:
            catalog = Catalog(locale=locale.replace("-", "_"), project="quntag")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        with open(po, "wb") as fh:
            write_po(fh, catalog, width=120, sort_output=True, include_previous=False)


if __name__ == "__main__":
    update()
    sys.exit(0)
