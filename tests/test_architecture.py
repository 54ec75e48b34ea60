"""The core must not know the UI: importing every analytics module must not pull in streamlit."""

import pkgutil
import subprocess
import sys

import analytics
from tests.support import TESTS


def test_analytics_never_imports_streamlit() -> None:
    modules = [m.name for m in pkgutil.walk_packages(analytics.__path__, "analytics.") if not m.name.endswith("__main__")]
    assert "analytics.store" in modules and "analytics.presentation.charts" in modules
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=TESTS.parent, check=True)
    assert result.stdout.strip() == "False"


def test_pages_do_not_run_sql() -> None:
    pages = list((TESTS.parent / "pages").glob("*.py"))
    assert len(pages) >= 12
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert ".execute(" not in text and "duckdb" not in text, f"{page.name} should call analytics, not run SQL"


def test_every_page_leaves_legacy_pages_mode_and_is_routed_by_its_stem() -> None:
    app = (TESTS.parent / "app.py").read_text(encoding="utf-8")
    for page in (TESTS.parent / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "leave_legacy_pages_mode()" in text, f"{page.name} must call leave_legacy_pages_mode() first (ui/routing.py)"
        assert f'"pages/{page.name}"' in app and f'url_path="{page.stem}"' in app, f"{page.name}: url_path must be its stem"
