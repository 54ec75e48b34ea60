"""Helpers shared by the tests: paths, settings for temporary stores and the templates they are copied
from, the CLI in-process and as a subprocess, quarterly files as a focal point sends them, AppTest readers, and a real
`streamlit run` server for the browser."""

from __future__ import annotations

import atexit
import base64
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from hypothesis import strategies as s
from streamlit.testing.v1 import AppTest

from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.settings import DATA_DIR, Settings
from analytics.store import Cursor, Store

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
MINI = TESTS / "data" / "mini"
UPLOADS = TESTS / "data" / "upload"
SHIPPED_CAMPAIGN = DATA_DIR / "campaigns" / "2016.toml"
APP = str(PROJECT / "app.py")
PAGES = ("overview", "compare", "phases", "rural", "legal_access", "enforcement", "unit_profile", "scoring")
OWN, OTHER = "STP_QN", "THADS_HN"  # a unit account's own unit, and one it may not touch


def _config_2016() -> Path:
    """The shipped 2016 campaign and meeting files alone, in a folder of this test process.

    The shipped configuration also holds the demo years 2024–2026, and every page opens on the newest
    year; the tests written for 2016 (the 22 units, the fixed laggards) run on 2016 alone, and the
    tests of several years use the shipped folders (the "years" store)."""
    folder = Path(tempfile.mkdtemp(prefix="thidua-2016-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for kind in ("campaigns", "meetings"):
        (folder / kind).mkdir()
        for file in (DATA_DIR / kind).glob("*2016*.toml"):
            shutil.copyfile(file, folder / kind / file.name)
    return folder


CONFIG_2016 = _config_2016()
CAMPAIGNS_2016, MEETINGS_2016 = CONFIG_2016 / "campaigns", CONFIG_2016 / "meetings"


# The demo's "now" in tests: 2026, the last shipped campaign year, has ended Q1–Q3 only. Pinned, so a
# store holding the current year's demo is the same whatever day the tests run.
DEMO_NOW = datetime(2026, 11, 30, 9, 0)


def demo_clock() -> datetime:
    return DEMO_NOW


def make_settings(tmp_path: Path, *, demo: bool = True, units: Path | None = None, all_years: bool = False) -> Settings:
    return Settings(
        db_path=tmp_path / "thidua.duckdb",
        units_file=units or DATA_DIR / "units.csv",
        campaigns_dir=DATA_DIR / "campaigns" if all_years else CAMPAIGNS_2016,
        load_demo_when_new=demo,
        meetings_dir=DATA_DIR / "meetings" if all_years else MEETINGS_2016,
        clock=demo_clock,
    )


StoreKind = Literal["demo", "empty", "mini", "years"]


def store_settings(kind: StoreKind, folder: Path) -> Settings:
    """Settings of a test store: the shipped registry and 2016 campaign with the demo dataset ("demo") or
    without values ("empty"), the four made-up units of tests/data/mini ("mini"), or every shipped
    year with the demo dataset ("years": 2016 and the demo years 2024–2026 across the 2025 mergers)."""
    if kind == "mini":
        return make_settings(folder, demo=False, units=MINI / "units.csv")
    return make_settings(folder, demo=kind in ("demo", "years"), all_years=kind == "years")


def kind_built_by(settings: Settings) -> StoreKind | None:
    """The store kind that opening `settings` on a new file builds, or None when its inputs are not the
    shipped ones (the mini store is not one: its values come from a later upload)."""
    if settings.units_file != DATA_DIR / "units.csv":
        return None
    if settings.campaigns_dir == DATA_DIR / "campaigns":
        return "years" if settings.load_demo_when_new else None
    if settings.campaigns_dir != CAMPAIGNS_2016:
        return None
    return "demo" if settings.load_demo_when_new else "empty"


class StoreTemplates:
    """Each kind of store built once in `folder`, then copied for every test that wants one: copying
    a few megabytes is far cheaper than migrating, syncing the configuration and seeding the demo.
    A copy opens exactly as the fresh store would have: open_store finds the configuration
    fingerprint current and the demo already seeded, so it changes nothing. Several processes (the
    xdist workers of one run) may share `folder`: one of them builds a kind, the others wait for it."""

    BUILD_TIMEOUT_SECONDS = 300

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def place(self, kind: StoreKind, db_path: Path) -> None:
        """A copy of the `kind` store at `db_path`, built first if no process sharing the folder has yet."""
        template = store_settings(kind, self.folder / kind).db_path
        deadline = time.monotonic() + self.BUILD_TIMEOUT_SECONDS
        while not template.exists():
            lock = self.folder / f"{kind}.lock"
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:  # another worker is building it
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{lock} is still there: a worker died while building the {kind} store") from None
                time.sleep(0.1)
                continue
            try:
                if not template.exists():
                    self._build(kind, template)
            finally:
                lock.unlink()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, db_path)

    def _build(self, kind: StoreKind, template: Path) -> None:
        """Built in a folder of its own and moved into place only when complete, so a build that fails
        leaves no half-built template for the next test to copy."""
        building = self.folder / f"{kind}.building"
        shutil.rmtree(building, ignore_errors=True)
        try:
            store = open_store(store_settings(kind, building))
            if kind == "mini":
                store.write(_mini_values)
            template.parent.mkdir(parents=True, exist_ok=True)
            os.replace(store_settings(kind, building).db_path, template)
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def open(self, kind: StoreKind, folder: Path) -> Store:
        """A copy of the `kind` store in `folder`. The copy is migrated, synced and seeded already, so
        `open_store` would change nothing in it (tests/test_store.py checks that): only the Store is made,
        without reading the registry and campaign files again for every test."""
        settings = store_settings(kind, folder)
        self.place(kind, settings.db_path)
        return Store(settings.db_path)


def _mini_values(cur: Cursor) -> None:
    upload_id = record_upload(cur, kind="results", created_by="test", file_name="facts.csv", raw=b"fixture")
    apply_values(cur, upload_id, pd.read_csv(MINI / "facts.csv"))


def slow_except(values: Iterable[object], *quick: object) -> list[object]:
    """Values to parametrize a test with, where only `quick` ones run in the quick loop (`-m "not slow"`):
    the others run the same code on other inputs, so the full run alone tries them (see
    docs/decisions.md, "Project layout and tests")."""
    values = list(values)
    missing = [value for value in quick if value not in values]
    assert not missing, f"quick values that are not among the values: {missing}"  # else the quick loop would silently lose them
    return [value if value in quick else pytest.param(value, marks=pytest.mark.slow) for value in values]


def connection(store: Store) -> Cursor:
    """A connection of the test's own, for its checks, closed when dropped: what `with store.reading()
    as cur:` gives the code, without indenting every assertion under it. A test is one process, so
    holding it blocks nothing the test waits for, except a CLI subprocess: drop it before one."""
    return duckdb.connect(str(store.path))


def broken_campaign(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped 2016 campaign with `old` replaced once by `new` (which must be there)."""
    text = SHIPPED_CAMPAIGN.read_text(encoding="utf-8")
    assert old in text
    file = tmp_path / "2016.toml"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return file


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: bytes
    stderr: bytes


def run_cli(tmp_path: Path, *args: str, demo: bool = True, stdin: str = "") -> CliResult:
    """`python -m analytics ARGS` on the store tmp_path/cli.duckdb, run in this process: the same `main`
    as the command, without a second of interpreter start-up per call (run_cli_process does that).
    SystemExit ends it as it ends the interpreter. Any other exception propagates, so the test shows
    where it was raised, and what the command printed before it goes to the test's own output.
    An uncaught exception never reaches the captured stderr: a check for "Traceback" needs run_cli_process."""
    from analytics.cli import main

    env = {"THIDUA_DB": str(tmp_path / "cli.duckdb"), "THIDUA_DEMO": "1" if demo else "0"}
    saved_env = {key: os.environ.get(key) for key in env}
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    os.environ.update(env)
    raised = False
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's usage errors and --help, or a handler's sys.exit
        code = _exit_status(exit_)
    except BaseException:
        raised = True
        raise
    finally:
        for stream in (sys.stdout, sys.stderr, sys.stdin):
            stream.flush()
            stream.detach()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if raised:
            sys.stdout.write(out.getvalue().decode("utf-8", "replace"))
            sys.stderr.write(err.getvalue().decode("utf-8", "replace"))
    return CliResult(code, out.getvalue(), err.getvalue())


def _exit_status(exit_: SystemExit) -> int:
    """The status the interpreter exits with: None is 0, a number itself, anything else is printed to
    stderr and is 1."""
    if exit_.code is None:
        return 0
    if isinstance(exit_.code, int):
        return exit_.code
    print(exit_.code, file=sys.stderr)
    return 1


def run_cli_process(tmp_path: Path, *args: str, demo: bool = True) -> subprocess.CompletedProcess[bytes]:
    """The command exactly as a user runs it: its own interpreter, its own exit code."""
    env = dict(os.environ, THIDUA_DB=str(tmp_path / "cli.duckdb"), THIDUA_DEMO="1" if demo else "0")
    return subprocess.run([sys.executable, "-m", "analytics", *args], capture_output=True, env=env, cwd=PROJECT, timeout=120)


def quarter_file(folder: Path, units: list[str], quarter: int = 2, name: str | None = None) -> Path:
    """A filled quarterly template holding only `units`' rows, as a focal point would send it."""
    from analytics.config import load_campaigns
    from analytics.downloads import write_file
    from analytics.ingest.templates import template_frame
    from analytics.registry import load_units
    from analytics.settings import DATA_DIR

    frame = template_frame(load_units(DATA_DIR / "units.csv"), load_campaigns(DATA_DIR / "campaigns")[2016], quarter, filled=True)
    frame = frame[frame["Mã đơn vị"].isin(units)]
    path = folder / (name or f"q{quarter}_{'_'.join(units)}.csv")
    write_file(frame, path)
    return path


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"pages/{page}.py")  # the link opens this page directly
    at.run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def array(value: object) -> list:
    """Plotly sends numeric arrays base64-encoded ({'bdata', 'dtype'})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)  # type: ignore[call-overload]


def bar_units(figure: dict) -> set[str]:
    return {y for tr in figure["data"] if tr.get("type") in ("bar", "scatter") and tr.get("y") for y in tr["y"] if y}


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("info", "warning", "caption", "markdown", "success", "subheader") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def shown(markdown: str) -> str:
    """Text as Markdown renders it: messages naming uploaded files are escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


def button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


@dataclass
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(tmp: Path, env_extra: dict[str, str] | None = None, timeout: float = 60) -> Server:
    port = _free_port()
    db = tmp / "browser.duckdb"
    env = dict(os.environ, THIDUA_DB=str(db), **(env_extra or {}))
    log = tmp / "streamlit.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, db, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not answer in {timeout}s:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


# --- hostile text: known attack snippets (HTML/JS, Markdown links and images, spreadsheet formulas, SQL,
# control characters, bidi overrides, very long strings) mixed with random text -----------------------

SNIPPETS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    '"><svg onload=alert(1)>',
    "[bấm vào đây](javascript:alert(1))",
    "![ảnh](http://example.invalid/track.png)",
    "<a href='http://example.invalid'>Sở Tư pháp</a>",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","xem")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "'); DROP TABLE facts; --",
    "Robert'); DELETE FROM users; --",
    "\u202eexe.fdp",
    "\u200fما\u200e Xã Tân Tiến",
    "\x00\x01\x1b[31m\x7f",
    "**đậm** _nghiêng_ `mã` # tiêu đề :red[đỏ] $x^2$",
    "http://example.invalid/a?b=c",
    "Xã Đông Hưng\r\nHuyện Tiên Lãng",
    "x" * 5000,
    "Xa\u0303 Ti\u00ea\u0301n",  # NFD
]
hostile = s.one_of(
    s.sampled_from(SNIPPETS),
    s.text(min_size=1, max_size=200),
    s.tuples(s.sampled_from(SNIPPETS), s.text(max_size=40), s.sampled_from(SNIPPETS)).map("".join),
)


def csv_file(rows: list[list[object]]) -> bytes:
    """Rows as a spreadsheet program saves them to CSV (UTF-8 with BOM, CRLF): a file someone uploads."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --- a real SMTP server on 127.0.0.1 (aiosmtpd), for everything that sends mail ------------------


class Inbox:
    """What an aiosmtpd server received: each message's envelope recipients and its parsed content.
    An envelope recipient containing "refuse" is answered 550 (an unknown address)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if "refuse" in address:
            return "550 5.1.1 Khong co hop thu nay"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = BytesParser(policy=email_policy.default).parsebytes(envelope.original_content or envelope.content)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _ in self.received for r in rcpts)


@dataclass
class SmtpServer:
    """An aiosmtpd controller on a free loopback port; `start()` may be called late (refused until then)."""

    inbox: Inbox
    port: int
    controller: Controller

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        if getattr(self.controller, "_thread", None) is not None:
            self.controller.stop()

    def env(self) -> dict[str, str]:
        return {
            "THIDUA_SMTP_HOST": "127.0.0.1",
            "THIDUA_SMTP_PORT": str(self.port),
            "THIDUA_SMTP_SECURITY": "none",
            "THIDUA_SMTP_FROM": "Văn phòng Khu vực <vanphong@thidua.test>",
        }


def smtp_server() -> SmtpServer:
    """Not started: the caller starts it (at once, or late to test retries)."""
    inbox = Inbox()
    port = _free_port()
    return SmtpServer(inbox, port, Controller(inbox, hostname="127.0.0.1", port=port))
