"""Consoles, the exit-code table and the one place user errors become messages."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import typer

from hindsight.core.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console

EXIT_OK = 0  # clean
EXIT_FINDINGS = 1  # findings at or above the threshold, or `--check` found changes
EXIT_ERROR = 2  # usage, input or configuration error

# `out` and `err` are made on first use: importing Rich costs a command that prints nothing
# through it (`hindsight lint` writes its report directly) a noticeable part of its start.
_consoles: dict[str, Any] = {}


def _console(name: str) -> Console:
    if name not in _consoles:
        from rich.console import Console

        _consoles[name] = Console(stderr=name == "err", highlight=False, soft_wrap=True)
    found: Console = _consoles[name]
    return found


def __getattr__(name: str) -> Any:
    if name in ("out", "err"):
        return _console(name)
    raise AttributeError(name)


_debug = {"on": False}

P = ParamSpec("P")
R = TypeVar("R")


def set_debug(on: bool) -> None:
    _debug["on"] = on


def reader_gone() -> NoReturn:
    """Exit quietly once stdout's reader has closed the pipe; later flushes go nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(EXIT_OK)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn `UserError` into a message and exit 2; anything else into a short bug report."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader went away (`hindsight rules | head`): not an error
            reader_gone()
        except UserError as error:
            if _debug["on"]:
                traceback.print_exc()
            _console("err").print(
                f"[bold red]error:[/] {error.message}", markup=True, highlight=False
            )
            raise typer.Exit(EXIT_ERROR) from None
        except MemoryError:  # the input outgrew the process's memory limit: not a bug to report
            if _debug["on"]:
                traceback.print_exc()
            _console("err").print(
                "[bold red]error:[/] not enough memory for this input\n"
                "  fix: split the input into smaller files, or raise the process's memory limit",
                markup=True,
                highlight=False,
            )
            raise typer.Exit(EXIT_ERROR) from None
        except Exception as error:  # a bug: say so plainly, details under --debug
            if _debug["on"]:
                traceback.print_exc()
            else:
                print(
                    f"internal error: {type(error).__name__}: {error}\n"
                    "  run again with --debug for the traceback, and please report it",
                    file=sys.stderr,
                )
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper
