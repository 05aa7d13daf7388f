"""Sub-commands that import their module only when they run.

``tessera --help`` lists every command from the names and one-line helps written here, and a command's
module (with the SDK, the HTTP client or the server stack it needs) is imported only when that command is
invoked: ``tessera schema diff`` loads the diff engine and nothing of the server. ``tests/cli/test_lazy.py``
checks that each help written here matches the loaded command's own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """Where a sub-command lives: ``module:attribute`` (a Typer app, or a command function) and its help."""

    target: str
    help: str
    #: Modules that add commands to ``target`` from outside (``tessera.cli.quality`` adds ``dbt results``).
    also: tuple[str, ...] = ()

    def load(self, name: str) -> Any:
        """The click command of ``target``, named ``name``."""
        module_name, attribute = self.target.split(":")
        value = getattr(importlib.import_module(module_name), attribute)
        for extra in self.also:
            importlib.import_module(extra)
        # Registered on a throwaway parent exactly as the root app would have registered it, so the
        # command is the same one (no completion options of its own, same help and usage).
        parent = typer.Typer(add_completion=False)
        parent.callback()(_parent)
        if isinstance(value, typer.Typer):
            parent.add_typer(value, name=name)
        else:
            parent.command(name)(value)
        return typer.main.get_group(parent).commands[name]


def _parent() -> None:
    """The throwaway parent group of a command being loaded."""


class _Placeholder(TyperCommand):
    """Stands for a sub-command not imported yet: its name and help, for the help listing."""


class LazyGroup(TyperGroup):
    """A Typer group whose sub-commands in :attr:`lazy` load on first use.

    Until then each is a placeholder that carries only its name and help, enough for the help listing;
    :meth:`resolve_command` (the one path click takes to run or complete a sub-command) swaps in the real
    command first.
    """

    lazy: dict[str, LazyCommand] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, spec in self.lazy.items():
            self.commands.setdefault(name, _Placeholder(name, help=spec.help))

    def load(self, name: str) -> Any:
        """The real command ``name`` (imported now if it is still a placeholder)."""
        spec = self.lazy.get(name)
        if spec is not None and isinstance(self.commands.get(name), _Placeholder):
            self.commands[name] = spec.load(name)
        return self.commands.get(name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Load the named sub-command before click resolves it."""
        if args and args[0] in self.lazy:
            self.load(args[0])
        return super().resolve_command(ctx, args)
