"""`--help` in words a user types: `--format FORMAT`, `PATHS...`, flags with no type at all.

Typer's rich help shows every parameter's Python type (`<bool>`, `<str>`, `<list[Path]>`) unless
it has a metavar. Set here once for every command instead of on each of ~150 options. Typer
carries its own copy of Click, so parameters are told apart by their attributes, not classes.
"""

from __future__ import annotations

from typing import Any


def _word(param: Any) -> str:
    """The value's name: the option's long name or the argument's, upper-cased."""
    longs = [opt for opt in param.opts if opt.startswith("--")]
    name = longs[0].lstrip("-") if longs else (param.name or "value")
    return str(name).replace("-", "_").upper()


def readable_metavars(command: Any) -> None:
    """Give every parameter of `command` and its subcommands a metavar, flags an empty one."""
    for param in command.params:
        if param.param_type_name == "argument":
            # Typer's arguments show their type even with a metavar; the name says enough.
            param.display_type_rich = lambda ctx: None
        if param.metavar is not None:
            continue
        if param.param_type_name == "argument":
            param.metavar = _word(param)
        elif getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""  # a flag takes no value: show none
        else:
            param.metavar = _word(param)
    make_help = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = make_help(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)
