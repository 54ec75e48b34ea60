"""The review day's documents, opened with the libraries that read them: the report, the minutes and
the proposal (.docx), the meeting deck (.pptx). Their numbers must be the scoring and measures
functions' numbers; the slow test renders them with LibreOffice and counts the pages."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pptx import Presentation

from analytics import measures
from analytics.config import load_campaigns
from analytics.labels import fmt_number
from analytics.presentation import documents, pack
from analytics.presentation import docx_layout as layout
from analytics.presentation.meetings import Meeting, SlideSpec
from analytics.presentation.slides import build_deck
from analytics.reporting import registration
from analytics.reporting.deadlines import calendar_of
from analytics.review import vote
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import connection, run_cli

CAMPAIGNS = load_campaigns(DATA_DIR / "campaigns")
CAMPAIGN = CAMPAIGNS[2016]
SMALL = Meeting("thu", "Tổng kết năm 2016", 2016, "year", "ALL", 15, "light", (SlideSpec("kpi"), SlideSpec("units", indicator="xa_ntm")))
SECRETARIAT = auth.User("thuky", "admin")


def _texts(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in doc.paragraphs]


def _tables(doc) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    """Every table after the letterhead, as text: header row → columns."""
    found = []
    for grid in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in grid.rows]
        if rows and len(rows) > 1 and len(set(rows[0])) == len(rows[0]):
            found.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return found


def _record_votes(store: Store) -> None:
    """STP Thái Bình passes its block's flag; the THADS vote is a tie between Ninh Bình and Hà Nội."""
    cur = connection(store)
    assert CAMPAIGN.rubric is not None
    summary = vote.year_summary(cur, CAMPAIGN.rubric, 2016)
    for code, counts in (("CO_BTP_STP", {"STP_TB": 18}), ("CO_BTP_THADS", {"THADS_NB": 12, "THADS_HN": 12})):
        title = CAMPAIGN.title(code)
        result = vote.tally(title, 22, counts, vote.candidates(summary, title, vote.held_titles(cur), 2016, {}))
        actions.record_vote(store, SECRETARIAT, 2016, result, source="form")


@pytest.mark.slow  # kaleido draws the charts: seconds, even for two slides
def test_report_has_the_layout_headings_every_unit_and_the_scoring_numbers(demo_store: Store) -> None:
    _record_votes(demo_store)
    calendar = calendar_of(CAMPAIGN)
    registration.save(demo_store, SECRETARIAT, registration.Registration("STP_QN", 2016, ("co_bo_tu_phap",), 5), calendar, submit=True)
    cur = connection(demo_store)
    doc = Document(io.BytesIO(documents.report_docx(cur, SMALL, CAMPAIGNS)))
    head = [cell.text for cell in doc.tables[0].rows[0].cells]
    assert "BỘ TƯ PHÁP\nKHU VỰC THI ĐUA\nĐỒNG BẰNG BẮC BỘ" in head[0] and "Số:" in head[0]
    assert head[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert "Quảng Ninh, ngày 04 tháng 11 năm 2016" in head[1]
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 14
    texts = _texts(doc)
    assert texts[texts.index("BÁO CÁO") + 1] == "Tổng kết phong trào thi đua năm 2016"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "I. Tình hình chung và số liệu báo cáo",
        "II. Kết quả thực hiện các nội dung Giao ước thi đua",
        "III. Đăng ký thi đua và kết quả đạt được",
        "IV. Kết quả chấm điểm, xếp loại",
        "V. Kết quả bình xét, suy tôn",
        "VI. Phương hướng, nhiệm vụ thời gian tới",
    ]
    whole = "\n".join(texts) + "\n".join(cell.text for grid in doc.tables for row in grid.rows for cell in row.cells)
    units = measures.active_units(cur, 2016)
    assert all(name in whole for name in units["name"])
    assert "dẫn đầu" not in "\n".join(p.text for p in doc.paragraphs if "điểm chấm" in p.text)
    assert CAMPAIGN.rubric is not None
    summary = vote.year_summary(cur, CAMPAIGN.rubric, 2016)
    scores = [f for f in _tables(doc) if "Xếp thứ" in f.columns and "Đủ tiêu chí đưa vào bình xét" in f.columns]
    shown = pd.concat(scores)
    expected = summary.sort_values(["block", "rank", "short_name"])
    assert shown["Đơn vị"].tolist() == expected["name"].tolist()
    assert shown["Tổng điểm"].tolist() == [fmt_number(v, 2) for v in expected["total"]]
    assert shown["Xếp thứ"].tolist() == [str(r) for r in expected["rank"]]
    assert shown.loc[shown["Đủ tiêu chí đưa vào bình xét"] == "Có", "Đơn vị"].tolist() == vote.shortlist(expected)["name"].tolist()
    top = expected[expected["block"] == "STP"].iloc[0]
    assert f"- Khối Sở Tư pháp: có điểm chấm cao nhất là {top['name']} ({fmt_number(top['total'], 2)} điểm)" in texts
    # A table per content holds the period's values as measures computes them.
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    ntm = values[(values["indicator"] == "xa_ntm") & (values["block"] == "STP")]
    column = "Số xã được chọn hỗ trợ xây dựng nông thôn mới (xã)"
    content = next(f for f in _tables(doc) if column in f.columns and f["Đơn vị"].str.startswith("STP").all())
    assert content[column].tolist() == [fmt_number(v, 0) for v in ntm["value"]]
    # Both slides' charts, each followed by its figure number and the deck's caption.
    assert len(doc.inline_shapes) == 2
    deck = build_deck(cur, SMALL, campaigns=CAMPAIGNS)
    for number, slide in enumerate(deck.slides, start=1):
        at = texts.index(f"Hình {number}. {slide.title}")
        assert texts[at + 1] == documents.sentence(slide.caption)
        assert all(part in texts[at + 1] for part in slide.caption.split(" · "))
    assert "Bằng phiếu — bỏ phiếu lại" in whole
    # Registered against achieved: STP Quảng Ninh's 5 new-rural communes await approval, so no number
    # stands as registered yet; an approved demo registration shows its number.
    registered = next(f for f in _tables(doc) if "Xã NTM (đăng ký / đạt)" in f.columns).set_index("Đơn vị")
    achieved = ntm.set_index("unit_code")["value"]
    assert registered.loc["Sở Tư pháp tỉnh Quảng Ninh", "Xã NTM (đăng ký / đạt)"] == f"chưa được duyệt / {fmt_number(achieved['STP_QN'])}"
    assert registered.loc["Sở Tư pháp tỉnh Quảng Ninh", "Trạng thái"] == "Chờ duyệt"
    approved = registration.approved(cur, 2016)["STP_ND"].ntm_count
    assert registered.loc["Sở Tư pháp tỉnh Nam Định", "Xã NTM (đăng ký / đạt)"] == f"{approved} / {fmt_number(achieved['STP_ND'])}"
    assert registered.loc["Cục Thi hành án dân sự tỉnh Quảng Ninh", "Xã NTM (đăng ký / đạt)"].startswith("chưa đăng ký / ")
    assert registered.loc["Cục Thi hành án dân sự tỉnh Quảng Ninh", "Trạng thái"] == "Chưa đăng ký"


def test_minutes_and_proposal_list_the_shortlist_the_count_and_the_winners(demo_store: Store) -> None:
    _record_votes(demo_store)
    cur = connection(demo_store)
    minutes = Document(io.BytesIO(documents.minutes_docx(cur, CAMPAIGN)))
    texts = _texts(minutes)
    assert texts[texts.index("BIÊN BẢN") + 1] == "Họp bình xét, suy tôn danh hiệu thi đua năm 2016"
    assert "Thời gian: 04/11/2016. Địa điểm: TP Hạ Long, tỉnh Quảng Ninh." in texts
    tables = _tables(minutes)
    shortlist = tables[0]
    assert shortlist["Đơn vị"].tolist() == [
        "Sở Tư pháp tỉnh Thái Bình",
        "Sở Tư pháp tỉnh Nam Định",
        "Cục Thi hành án dân sự tỉnh Ninh Bình",
        "Cục Thi hành án dân sự thành phố Hà Nội",
    ]
    counted = {t["Đơn vị"].iloc[0]: t for t in tables[1:]}
    stp = counted["Sở Tư pháp tỉnh Thái Bình"]
    assert stp[["Số phiếu", "Tỷ lệ", "Kết quả"]].values.tolist() == [["18/22", "81,8%", "Đạt"], ["0/22", "0,0%", "Không đạt"]]
    thads = next(table for table in tables[1:] if "Cục Thi hành án dân sự thành phố Hà Nội" in table["Đơn vị"].tolist())
    assert thads["Kết quả"].tolist() == ["Bằng phiếu — bỏ phiếu lại"] * 2
    assert "- Cờ thi đua của Bộ Tư pháp — Khối Sở Tư pháp: Sở Tư pháp tỉnh Thái Bình" in texts
    assert "- Cờ thi đua của Bộ Tư pháp — Khối Cục THADS: không có đơn vị nào" in texts
    assert stp["Đăng ký thi đua"].tolist() == ["đã đăng ký", "đã đăng ký"]  # the demo's approved registrations name the flag
    # STP Thái Bình's approved registration names a Bằng khen, not the Ministry's flag it was voted: flagged, still proposed.
    entered = registration.Registration("STP_TB", 2016, ("bang_khen_bo_truong",))
    registration.save(demo_store, SECRETARIAT, entered, calendar_of(CAMPAIGN), submit=True)
    registration.review(demo_store, SECRETARIAT, "STP_TB", 2016, approve=True)
    proposal = Document(io.BytesIO(documents.proposal_docx(cur, CAMPAIGN)))
    texts = _texts(proposal)
    assert "TỜ TRÌNH" in texts and "Kính gửi: Hội đồng Thi đua - Khen thưởng Bộ Tư pháp" in texts
    (proposed,) = _tables(proposal)
    assert CAMPAIGN.rubric is not None
    top = vote.year_summary(cur, CAMPAIGN.rubric, 2016).set_index("unit_code").loc["STP_TB"]
    assert proposed.values.tolist() == [
        ["1", "Sở Tư pháp tỉnh Thái Bình", fmt_number(top["total"], 2), "A — Xuất sắc", "18/22 (81,8%)", "chưa đăng ký danh hiệu này"]
    ]
    warning = "Lưu ý: Sở Tư pháp tỉnh Thái Bình chưa đăng ký danh hiệu đề nghị hoặc chưa được duyệt đăng ký thi đua"
    assert any(text.startswith(warning) for text in texts)


@pytest.mark.slow
def test_pptx_has_one_picture_per_slide_and_the_caption_in_the_notes(demo_store: Store) -> None:
    deck = build_deck(connection(demo_store), SMALL, campaigns=CAMPAIGNS)
    show = Presentation(io.BytesIO(pack.pptx_bytes(deck)))
    assert len(show.slides) == len(deck.slides) == 2
    assert (show.slide_width, show.slide_height) == (12192000, 6858000)
    for page, slide in zip(show.slides, deck.slides, strict=True):
        pictures = [s for s in page.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        assert slide.caption and slide.caption in page.notes_slide.notes_text_frame.text


@pytest.mark.slow  # a demo store built through the CLI; the minutes' content is checked above
def test_report_command_writes_the_minutes_and_refuses_another_suffix(tmp_path: Path) -> None:
    out = tmp_path / "bien_ban.docx"
    done = run_cli(tmp_path, "report", "--meeting", "tong-ket-2016", "--document", "minutes", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    assert "Họp bình xét, suy tôn danh hiệu thi đua năm 2016" in _texts(Document(str(out)))
    result = run_cli(tmp_path, "report", "--meeting", "tong-ket-2016", "-o", str(tmp_path / "bao_cao.pdf"))
    assert result.returncode == 2 and "docx" in result.stderr.decode()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/test.sh")
def test_libreoffice_renders_the_documents_and_the_deck(tmp_path: Path) -> None:
    report, deck_file = tmp_path / "bao_cao.docx", tmp_path / "tong_ket.pptx"
    for args in (("report", "--meeting", "tong-ket-2016", "-o", str(report)), ("pack", "--meeting", "tong-ket-2016", "-o", str(deck_file))):
        done = run_cli(tmp_path, *args)
        assert done.returncode == 0, done.stderr.decode()
    slides = len(Presentation(str(deck_file)).slides)  # the deck as built: a slide with nothing to show is left out
    converted = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(report), str(deck_file)],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr.decode()

    def pages(pdf: Path) -> int:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))

    assert pages(tmp_path / "tong_ket.pdf") == slides
    assert 8 <= pages(tmp_path / "bao_cao.pdf") <= 30  # 14 charts at half a page each, tables, the letterhead
    first = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "bao_cao.pdf"), "-"], capture_output=True, text=True, check=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first.stdout and "BÁO CÁO" in first.stdout


@pytest.mark.parametrize(
    ("day", "written"), [(date(2016, 6, 16), "ngày 16 tháng 6 năm 2016"), (date(2017, 2, 5), "ngày 05 tháng 02 năm 2017")]
)
def test_the_letterhead_writes_the_date_as_decree_30_says(day: date, written: str) -> None:
    doc = layout.new_document()
    layout.letterhead(doc, layout.Letterhead("Bộ Tư pháp", "Khu vực thi đua", "Số:   /BC", "Quảng Ninh", day))
    assert f"Quảng Ninh, {written}" in doc.tables[0].rows[0].cells[1].text
