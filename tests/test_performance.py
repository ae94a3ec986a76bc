"""Performance data: capaian for both directions, target 0, predikat, numbers as typed in
Indonesian spreadsheets, the CSV form round trip and the stored form in Run.extra."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile, parse_bands, set_value
from soptrack.sop.performance import (
    Direction,
    Indicator,
    Performance,
    Program,
    capaian,
    format_decimal,
    format_number,
    from_dict,
    indicator_capaian,
    measure,
    parse_direction,
    parse_number,
    predikat,
    program_capaian,
    program_label,
    program_total,
    to_dict,
    yearly_realisasi,
)
from soptrack.sop.performance_csv import read_file, read_text, write_form

OFFICE = OfficeProfile()


def sample() -> Performance:
    return Performance(
        indicators=(
            Indicator("Sasaran A", "Persentase PMKS tertangani", "%", 80, 85.5),
            Indicator("Sasaran A", "Jumlah kasus terlantar", "orang", 120, 90, Direction.LOWER),
            Indicator("Sasaran B", "Indeks kepuasan", "indeks", 0, 3.2),
            Indicator(
                "Sasaran B", "Pengaduan tidak tertangani", "kasus", 10, None, Direction.LOWER
            ),
        ),
        programs=(
            Program("Program Perlindungan Sosial", 1_250_000_000, 1_187_500_000),
            Program("Program Rehabilitasi Sosial", 850_000_000, 612_345_678.5),
        ),
    )


def test_capaian_higher_is_better() -> None:
    assert capaian(80, 85.5, Direction.HIGHER).value == Decimal("106.88")
    assert capaian(80, 85.5).text == "106,88"


def test_capaian_lower_is_better() -> None:
    # (2 x 120 - 90) / 120 x 100 = 125
    assert capaian(120, 90, Direction.LOWER).value == Decimal("125.00")
    assert capaian(10, 12, Direction.LOWER).value == Decimal("80.00")


@pytest.mark.parametrize(
    ("target", "real", "text"),
    [
        (80, 82.5, "103,13"),  # 103,125: half up, as a hand or Excel check gives
        (8, 8.0001, "100,00"),
        (3, 1, "33,33"),
        (3, 2, "66,67"),
        (200, 200.01, "100,01"),  # 100,005 in decimal, 100,00499.. in binary floats
        (1.1, 1.155, "105,00"),
    ],
)
def test_capaian_rounds_half_up(target: float, real: float, text: str) -> None:
    assert capaian(target, real).text == text
    assert format_decimal(103.125) == "103,13" and format_decimal(0.125, 2) == "0,13"


def test_predikat_from_the_rounded_value() -> None:
    # 90,995 rounds to 91,00, which is Sangat Baik: the rating follows the printed number
    office = OfficeProfile()
    value = capaian(200, 181.99)
    assert value.text == "91,00"
    assert predikat(value, office) == "Sangat Baik"


def test_lower_is_better_target_zero() -> None:
    best = capaian(0, 0, Direction.LOWER)
    assert best.text == "100,00" and best.note == ""
    worse = capaian(0, 3, Direction.LOWER)
    assert worse.text == "0,00" and "target 0" in worse.note
    assert capaian(0, 3, Direction.HIGHER).text == "-"  # higher is better: cannot compute


def test_capaian_is_floored_at_zero_and_capped_when_the_office_says() -> None:
    floored = capaian(10, 25, Direction.LOWER)  # (20 - 25) / 10 = -50 %
    assert floored.text == "0,00" and "-50,00" in floored.note
    assert capaian(80, 200).text == "250,00"  # no cap by default
    capped = capaian(80, 200, cap=120)
    assert capped.text == "120,00" and "dibatasi" in capped.note
    office = set_value(OfficeProfile(), "capaian.batas", "120", [])
    ind = Indicator("S", "I", "%", 80, 200)
    assert indicator_capaian(ind, office).text == "120,00"
    assert set_value(office, "capaian.batas", "-", []).capaian_cap is None
    with pytest.raises(BadInput):
        set_value(office, "capaian.batas", "90", [])


def test_programme_total_marks_blank_realisasi() -> None:
    programs = (
        Program("Program Penunjang Urusan", 1_000, 900),
        Program("Rehabilitasi Sosial", 1_000, None),
    )
    total = program_total(programs)
    assert total.pagu == 2_000 and total.realisasi == 900
    assert total.percent.text == "90,00"  # of the programme that has its realisasi
    assert total.incomplete == ("Rehabilitasi Sosial",)
    assert "Program Rehabilitasi Sosial" in total.percent.note
    m = measure(Performance((), programs), OfficeProfile())
    assert m.total_note == len(m.notes) and "belum diisi" in m.notes[-1]
    assert not any("Program Program" in n for n in m.notes)
    assert program_label("Program Penunjang") == "Program Penunjang"


def test_notes_are_numbered_like_their_markers_and_remarks_apart() -> None:
    perf = Performance(
        (
            Indicator("S", "A", "%", 80, 85),
            Indicator("S", "B", "%", 0, 1, keterangan="data Bidang Rehsos"),
            Indicator("S", "C", "%", 10, None),
        ),
        (Program("Program P", 10, None),),
    )
    m = measure(perf, OfficeProfile())
    markers = [r.note for _, _, results in m.groups for r in results]
    assert markers == [None, 1, 2] and m.programs[0].note == 3
    assert m.notes[0].startswith("B: target 0") and m.notes[1].startswith("C: realisasi")
    assert m.remarks == ["B: data Bidang Rehsos"]


def test_triwulan_give_the_year_when_realisasi_is_blank() -> None:
    ind = Indicator("S", "I", "%", 80, None, triwulan=(20, 40, None, None))
    assert yearly_realisasi(ind, "akhir") == (
        40,
        "realisasi tahunan dari TW II (triwulan terakhir yang diisi)",
    )
    assert yearly_realisasi(ind, "jumlah")[0] == 60
    assert indicator_capaian(ind, OfficeProfile()).text == "50,00"
    entered = Indicator("S", "I", "%", 80, 82.5, triwulan=(20, 40, 60, 80))
    assert indicator_capaian(entered, OfficeProfile()).text == "103,13"  # entered wins
    assert from_dict(to_dict(Performance((ind,)))).indicators[0].triwulan == (20, 40, None, None)
    merged = Performance((ind,)).merged(
        Performance((replace(ind, triwulan=(None, None, 55, None)),))
    )
    assert merged.indicators[0].triwulan == (20, 40, 55, None)


def test_form_with_triwulan_round_trip() -> None:
    ind = Indicator("S", "I", "%", 80, None, triwulan=(20, 40.5, None, None))
    text = write_form(Performance((ind,)), with_data=True)
    assert "TW I;TW II;TW III;TW IV;Realisasi" in text.splitlines()[0]
    assert read_text(text).indicators[0].triwulan == (20, 40.5, None, None)
    assert "TW I" not in write_form(Performance((replace(ind, triwulan=(None,) * 4),)))
    assert "TW I" in write_form(Performance(), triwulan=True)


def test_form_escapes_formulas_in_text_but_not_numbers() -> None:
    perf = Performance(
        (Indicator('=HYPERLINK("http://x")', "+cmd", "-", -5, -3, keterangan="@SUM(A1)"),),
        (Program("=1+1", -10, 5),),
    )
    text = write_form(perf, with_data=True)
    row = next(csv.reader(io.StringIO(text.splitlines()[2]), delimiter=";"))
    assert row[1].startswith("'=") and row[2] == "'+cmd" and row[3] == "'-"
    assert row[4] == "-5" and row[5] == "-3"  # numbers stay numbers
    assert "'@SUM(A1)" in text and "'=1+1" in text and ";-10;" in text
    back = read_text(text)
    assert back.indicators[0].sasaran == perf.indicators[0].sasaran  # the apostrophe goes
    assert back.indicators[0].satuan == "-" and back.programs[0].program == "=1+1"


def test_import_cleans_control_characters() -> None:
    text = (
        "Jenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi\r\n"
        "kinerja;Sasaran\x07 A\x1b[31m;Indikator\u202e B\x85;%;80;85\r\n"
    )
    ind = read_text(text).indicators[0]
    assert ind.sasaran == "Sasaran A[31m" and ind.indikator == "Indikator B"


def test_target_zero_and_missing_realisasi_give_dash_with_a_note() -> None:
    zero = capaian(0, 3.2)
    assert zero.value is None and zero.text == "-" and "target 0" in zero.note
    missing = capaian(10, None, Direction.LOWER)
    assert missing.value is None and "realisasi" in missing.note
    assert program_capaian(Program("P", 0, 5)).text == "-"


def test_predikat_from_default_and_configured_bands() -> None:
    m = measure(sample(), OFFICE)
    (_, _, first), (_, _, second) = m.groups
    assert [r.predikat for r in first] == ["Sangat Baik", "Sangat Baik"]
    assert [r.predikat for r in second] == ["-", "-"]
    assert OFFICE.predikat(90.5) == "Baik" and OFFICE.predikat(50) == "Sangat Kurang"
    six = OfficeProfile(bands=parse_bands("100:Istimewa, 91:Sangat Baik, 0:Kurang"))
    assert six.predikat(106.875) == "Istimewa"
    assert any("target 0" in n for n in m.notes)


def test_groups_keep_first_appearance_order() -> None:
    groups = sample().groups()
    assert [g for g, _ in groups] == ["Sasaran A", "Sasaran B"]
    assert [len(rows) for _, rows in groups] == [2, 2]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("85,5", 85.5),
        ("85.5", 85.5),
        ("1.250.000", 1_250_000),
        ("1,250,000", 1_250_000),
        ("Rp 1.250.000,50", 1_250_000.5),
        ("1.250", 1250),
        ("0.125", 0.125),
        ("92%", 92),
        ("", None),
        ("-", None),
        ("-3,5", -3.5),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_parse_number_refuses_words() -> None:
    with pytest.raises(BadInput):
        parse_number("delapan")


def test_formats() -> None:
    assert format_decimal(106.875, 2) == "106,88"
    assert format_decimal(1_187_500_000, 0) == "1.187.500.000"
    assert format_number(85.5) == "85,5" and format_number(None) == "-"
    assert parse_direction("Makin rendah makin baik") is Direction.LOWER
    assert parse_direction("naik") is Direction.HIGHER


def test_dict_round_trip_is_plain_json() -> None:
    data = to_dict(sample())
    assert from_dict(json.loads(json.dumps(data))) == sample()


def test_form_round_trip_semicolon_and_decimal_comma() -> None:
    text = write_form(sample(), with_data=True)
    assert text.splitlines()[0].startswith("Jenis;Sasaran Strategis;Indikator Kinerja")
    assert "85,5" in text
    assert read_text(text) == sample()
    empty = read_text(write_form(sample()))
    assert all(i.realisasi is None for i in empty.indicators)
    assert [i.target for i in empty.indicators] == [80, 120, 0, 10]


def test_read_comma_delimited_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bidang.csv"
    path.write_bytes(
        "\ufeffSasaran Strategis,Indikator Kinerja,Satuan,Target,Realisasi,Arah\r\n"
        'Sasaran A,Persentase,%,80,"85,5",naik\r\n'.encode()
    )
    perf = read_file(path)
    assert perf.indicators[0].realisasi == 85.5 and perf.indicators[0].sasaran == "Sasaran A"


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rusak.csv"
    path.write_text(
        "Jenis;Sasaran Strategis;Indikator Kinerja;Target;Realisasi;Arah\n"
        "kinerja;S;Indikator 1;80;85;naik\n"
        "# komentar\n"
        "kinerja;S;Indikator 2;delapan;85;naik\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match=r"rusak\.csv: baris 4: kolom Target"):
        read_file(path)


def test_bad_direction_and_missing_header(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="baris 2: kolom Arah"):
        read_text("Sasaran Strategis;Indikator Kinerja;Arah\nS;I;sideways\n", "x.csv")
    with pytest.raises(BadInput, match="judul kolom"):
        read_text("a;b;c\n1;2;3\n", "x.csv")


@pytest.fixture
def services(db_path: Path, clock) -> Services:
    return Services(db_path, sop_dirs=[], clock=clock, user="tester")


def test_import_merges_and_survives_the_store(services: Services, tmp_path: Path) -> None:
    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    form = documents.write_form(services, run.id, tmp_path / "form.csv")
    assert form.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    first = tmp_path / "a.csv"
    first.write_text(write_form(sample(), with_data=True), encoding="utf-8-sig")
    documents.import_forms(services, run.id, [first])
    second = tmp_path / "b.csv"
    second.write_text(
        "Jenis;Sasaran Strategis;Indikator Kinerja;Realisasi;Arah\n"
        "kinerja;Sasaran B;Pengaduan tidak tertangani;4;turun\n",
        encoding="utf-8",
    )
    documents.import_forms(services, run.id, [second])
    stored = services.repo.get_run(run.id)
    perf = documents.performance_of(stored)
    last = perf.indicators[-1]
    assert (last.target, last.realisasi, last.satuan) == (10, 4, "kasus")  # merged
    assert len(perf.indicators) == 4 and perf.programs == sample().programs
    raw = json.loads(services.repo.year_path(stored.year).read_text(encoding="utf-8"))
    assert raw["runs"]["1"]["extra"]["performance"]["indicators"][0]["realisasi"] == 85.5


def test_bad_file_imports_nothing(services: Services, tmp_path: Path) -> None:
    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    good = tmp_path / "good.csv"
    good.write_text(write_form(sample(), with_data=True), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("Sasaran Strategis;Indikator Kinerja;Target\nS;I;x\n", encoding="utf-8")
    with pytest.raises(BadInput, match="bad.csv: baris 2"):
        documents.import_forms(services, run.id, [good, bad])
    assert documents.performance_of(services.repo.get_run(run.id)).empty


# -- the TUI data-entry screen ----------------------------------------------------------------


def test_performance_screen_edits_and_saves(services: Services) -> None:
    import asyncio

    from textual.app import App
    from textual.widgets import DataTable

    from soptrack.tui.screens.performance import PerformanceScreen, load_data

    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    services.repo.update_run(
        run.id, lambda r: documents._with_extra(r, "performance", to_dict(sample()))
    )

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(PerformanceScreen(services, run.id, load_data(services, run.id)))

    async def scenario() -> None:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PerformanceScreen)
            table = screen.query_one("#perf-indicators", DataTable)
            capaian = 11  # after the Keterangan and the quarters TW I-IV (columns 6-9)
            assert table.get_row_at(0)[capaian] == "106,88"
            assert table.get_row_at(2)[capaian] == "-"
            table.move_cursor(row=3, column=7)  # TW II of the row without a realisasi
            await pilot.press("enter")
            await pilot.press("6", "enter")
            await pilot.pause()
            assert table.get_row_at(3)[4] == "6 (TW)"  # the year's realisasi from TW II
            assert table.get_row_at(3)[capaian] == "140,00"
            table.move_cursor(row=3, column=4)  # Realisasi entered wins
            await pilot.press("enter")
            await pilot.press(*"7,5", "enter")
            await pilot.pause()
            assert table.get_row_at(3)[4] == "7,5" and table.get_row_at(3)[capaian] == "125,00"
            table.move_cursor(row=0, column=5)  # Arah toggles on Enter
            await pilot.press("enter")
            await pilot.pause()
            assert table.get_row_at(0)[5] == "turun"
            await pilot.press("a")  # a new indicator below, under the same sasaran
            await pilot.pause()
            assert table.row_count == 5 and table.cursor_coordinate.row == 1
            await pilot.press("s")
            await pilot.pause()
            assert not screen.dirty

    asyncio.run(scenario())
    perf = documents.performance_of(services.repo.get_run(run.id))
    assert perf.indicators[4].realisasi == 7.5
    assert perf.indicators[4].triwulan == (None, 6.0, None, None)
    assert perf.indicators[0].direction is Direction.LOWER
    assert len(perf.indicators) == 5
    assert (perf.indicators[1].sasaran, perf.indicators[1].indikator) == (
        "Sasaran A",
        "Indikator 5",
    )


def test_a_later_form_without_arah_keeps_lower_is_better(tmp_path: Path) -> None:
    """A bidang re-sends only its realisasi: the stored 'turun' must survive the merge."""
    first = read_text(
        "Jenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi;Arah\n"
        "kinerja;Menurunnya kemiskinan;Persentase penduduk miskin;%;10;8;turun\n",
        "a.csv",
    )
    second = read_text(
        "Sasaran Strategis;Indikator Kinerja;Realisasi\n"
        "Menurunnya kemiskinan;Persentase penduduk miskin;9\n",
        "b.csv",
    )
    merged = first.merged(second)
    (ind,) = merged.indicators
    assert ind.direction is Direction.LOWER and ind.realisasi == 9 and ind.target == 10
    assert indicator_capaian(ind).value == pytest.approx(110.0)
    (new,) = from_dict(to_dict(Performance().merged(second))).indicators
    assert new.direction is Direction.HIGHER  # a new row with a blank Arah, once stored
