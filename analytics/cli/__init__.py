"""`python -m analytics ...`: the same functions the dashboard pages call, for the command line.

Exit codes: 0 done, 1 refused (a reason the user can fix; nothing changed), 2 usage or configuration
error, 3 the store is held by another process.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from analytics.cli.common import CliRefused
from analytics.cli.parser import build_parser
from analytics.config import ConfigError
from analytics.labels import t
from analytics.settings import from_env
from analytics.store import StoreBusyError
from analytics.trust import auth, backup


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, from_env()))
    except (CliRefused, auth.PermissionDenied, auth.UserError, backup.BackupError) as exc:
        print(t("cli_refused", reason=exc), file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{t('config_error')}: {exc}", file=sys.stderr)
        return 2
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
