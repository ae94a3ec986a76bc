"""Performance data: capaian for both directions, target 0, predikat, numbers as typed in
Indonesian spreadsheets, the CSV form round trip and the stored form in Run.extra."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile, parse_bands
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
    program_capaian,
    to_dict,
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
    assert capaian(80, 85.5, Direction.HIGHER).value == pytest.approx(106.875)
    assert capaian(80, 85.5).text == "106,88"


def test_capaian_lower_is_better() -> None:
    # (2 x 120 - 90) / 120 x 100 = 125
    assert capaian(120, 90, Direction.LOWER).value == pytest.approx(125.0)
    assert capaian(10, 12, Direction.LOWER).value == pytest.approx(80.0)


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

    from soptrack.tui.screens.performance import PerformanceScreen

    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    services.repo.update_run(
        run.id, lambda r: documents._with_extra(r, "performance", to_dict(sample()))
    )

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(PerformanceScreen(services, run.id))

    async def scenario() -> None:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PerformanceScreen)
            table = screen.query_one("#perf-indicators", DataTable)
            assert table.get_row_at(0)[7] == "106,88" and table.get_row_at(2)[7] == "-"
            table.move_cursor(row=3, column=4)  # Realisasi of the row without one
            await pilot.press("enter")
            await pilot.press(*"7,5", "enter")
            await pilot.pause()
            assert table.get_row_at(3)[4] == "7,5" and table.get_row_at(3)[7] == "125,00"
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
