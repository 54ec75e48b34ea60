"""`python -m analytics ...`: the same functions the dashboard pages call, for the command line.

Exit codes: 0 done, 1 refused (a reason the user can fix; nothing changed), 2 usage or configuration
error (an `-o` name of a kind the command cannot write among them), 3 the store stayed held by another
process for all of `--wait`, 141 the reader of the output closed it (`| head`), as for any program.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

from analytics import demo
from analytics.cli.common import CliRefused
from analytics.cli.parser import build_parser
from analytics.config import ConfigError
from analytics.labels import t
from analytics.settings import from_env
from analytics.store import StoreBusyError
from analytics.trust import auth, backup


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = _run(argv)
        sys.stdout.flush()  # here, where a reader that has gone is handled, not at interpreter exit
        return status
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted and left. Nothing more can be shown, so the rest
        # goes nowhere (the interpreter flushes stdout once more on exit) and the exit status is the
        # one a shell gives any program stopped by that closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, from_env()))
    except (CliRefused, auth.PermissionDenied, auth.UserError, backup.BackupError, demo.RealFiguresError) as exc:
        print(t("cli_refused", reason=exc), file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{t('config_error')}: {exc}", file=sys.stderr)
        return 2
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
