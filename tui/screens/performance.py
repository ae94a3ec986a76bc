"""Data entry for a Pengukuran Kinerja run: an editable table of its performance data.

Self-contained: `PerformanceScreen(services, run_id)`. Two tables (indicators grouped by
Sasaran Strategis, with optional quarterly realisasi TW I-IV, and programs with their
budget); Enter edits the cell under the cursor in
an input line below (Enter keeps, Escape cancels; on Arah it toggles naik/turun); capaian and
predikat are recomputed as you type. `s` saves to the run (one write under the store's lock),
Escape closes (twice when there are unsaved changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop import performance as perf_mod
from soptrack.sop.errors import BadInput, SoptrackError
from soptrack.sop.office import OfficeProfile
from soptrack.sop.performance import TRIWULAN, Direction, Indicator, Performance, Program
from soptrack.sop.run import Run
from soptrack.tui.store_calls import off_loop

# (field, heading, kind): kind "text", "number", "direction" or "computed"
IND_COLUMNS = (
    ("sasaran", "Sasaran Strategis", "text"),
    ("indikator", "Indikator Kinerja", "text"),
    ("satuan", "Satuan", "text"),
    ("target", "Target", "number"),
    ("realisasi", "Realisasi", "number"),
    ("direction", "Arah", "direction"),
    # quarterly realisasi, optional: a blank yearly Realisasi is computed from them
    *((f"tw{n}", name, "quarter") for n, name in enumerate(TRIWULAN, start=1)),
    ("keterangan", "Keterangan", "text"),
    ("capaian", "Capaian %", "computed"),
    ("predikat", "Predikat", "computed"),
)
PROG_COLUMNS = (
    ("program", "Program", "text"),
    ("pagu", "Pagu (Rp)", "number"),
    ("realisasi", "Realisasi (Rp)", "number"),
    ("keterangan", "Keterangan", "text"),
    ("persen", "%", "computed"),
)


@dataclass
class _Editing:
    table: str
    row: int
    column: int


@dataclass
class _Rows:
    indicators: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)


def _rows_of(perf: Performance) -> _Rows:
    data = perf_mod.to_dict(perf)
    return _Rows(list(data["indicators"]), list(data["programs"]))


def _quarter(row: dict[str, Any], name: str) -> Any:
    quarters = list(row.get("triwulan") or [None] * 4)
    return quarters[int(name[2:]) - 1]


def _set_quarter(row: dict[str, Any], name: str, value: Any) -> None:
    quarters = list(row.get("triwulan") or [None] * 4)
    quarters[int(name[2:]) - 1] = value
    row["triwulan"] = quarters


def _perf_of(rows: _Rows) -> Performance:
    return perf_mod.from_dict({"indicators": rows.indicators, "programs": rows.programs})


def load_data(services: Services, run_id: str) -> tuple[OfficeProfile, Run]:
    """What the screen starts from; called in a worker thread by the board."""
    return services.office(), services.repo.get_run(run_id)


class PerformanceScreen(Screen):
    DEFAULT_CSS = """
    PerformanceScreen { layout: vertical; }
    PerformanceScreen #perf-title { height: 1; padding: 0 1; text-style: bold; }
    PerformanceScreen .perf-label { height: 1; padding: 0 1; color: $text-muted; }
    PerformanceScreen #perf-indicators { height: 1fr; }
    PerformanceScreen #perf-programs { height: 1fr; max-height: 12; }
    PerformanceScreen #perf-edit { display: none; }
    PerformanceScreen #perf-edit.editing { display: block; }
    PerformanceScreen #perf-status { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "edit", "Ubah sel", id="edit-cell"),
        Binding("a", "add_indicator", "Tambah indikator", id="add-indicator"),
        Binding("p", "add_program", "Tambah program", id="add-program"),
        Binding("d", "delete_row", "Hapus baris", id="delete-row"),
        Binding("tab", "switch_table", "Tabel lain", show=False, id="switch-table"),
        Binding("s", "save", "Simpan", id="save"),
        Binding("ctrl+s", "save", "Simpan", show=False, id="save-ctrl"),
        Binding("escape", "close('Escape')", "Tutup", id="close"),
        # q closes this screen the same careful way, instead of quitting with edits unsaved
        Binding("q", "close('q')", "Tutup", show=False, id="close-q"),
    ]

    def __init__(self, services: Services, run_id: str, loaded: tuple[OfficeProfile, Run]) -> None:
        """`loaded`: the office profile and the run, read by the caller off the event loop
        (load_data)."""
        super().__init__()
        self.services = services
        self.run_id = run_id
        self.office, run = loaded
        self.run_title = f"{run.id} · {run.title} · {run.year}"
        self.rows = _rows_of(documents.performance_of(run))
        self.loaded = documents.stored_performance(run)
        self.dirty = False
        self.confirm_close = False
        self.editing: _Editing | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(f"Data kinerja {self.run_title}", id="perf-title")
        with Vertical():
            yield Static("Indikator kinerja (per Sasaran Strategis)", classes="perf-label")
            yield DataTable(id="perf-indicators", cursor_type="cell", zebra_stripes=True)
            yield Static("Program dan anggaran", classes="perf-label")
            yield DataTable(id="perf-programs", cursor_type="cell", zebra_stripes=True)
        yield Input(id="perf-edit")
        yield Static("", id="perf-status")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (
            ("perf-indicators", IND_COLUMNS),
            ("perf-programs", PROG_COLUMNS),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            for _, heading, _ in columns:
                table.add_column(heading)
        self._refresh_tables()
        self.query_one("#perf-indicators", DataTable).focus()

    # -- drawing ---------------------------------------------------------------------------

    def _refresh_tables(self, keep: tuple[str, int, int] | None = None) -> None:
        perf = _perf_of(self.rows)
        ind_table = self.query_one("#perf-indicators", DataTable)
        prog_table = self.query_one("#perf-programs", DataTable)
        ind_table.clear()
        prog_table.clear()
        for ind in perf.indicators:
            value = perf_mod.indicator_capaian(ind, self.office)
            realisasi, derived = perf_mod.yearly_realisasi(ind, self.office.triwulan_rule)
            ind_table.add_row(
                ind.sasaran,
                ind.indikator,
                ind.satuan,
                perf_mod.format_number(ind.target),
                perf_mod.format_number(realisasi) + (" (TW)" if derived else ""),
                (ind.direction or Direction.HIGHER).label,
                *(perf_mod.format_number(v) if v is not None else "" for v in ind.triwulan),
                ind.keterangan,
                value.text,
                perf_mod.predikat(value, self.office),
            )
        for prog in perf.programs:
            prog_table.add_row(
                prog.program,
                perf_mod.format_rupiah(prog.pagu),
                perf_mod.format_rupiah(prog.realisasi),
                prog.keterangan,
                perf_mod.program_capaian(prog).text,
            )
        if keep is not None:
            table_id, row, column = keep
            table = self.query_one(f"#{table_id}", DataTable)
            if table.row_count:
                table.move_cursor(row=min(row, table.row_count - 1), column=column)
        self._status(perf)

    def _status(self, perf: Performance | None = None, message: str = "") -> None:
        perf = perf or _perf_of(self.rows)
        notes = perf_mod.measure(perf, self.office).notes
        parts = []
        if message:
            parts.append(message)
        if self.dirty:
            parts.append("[belum disimpan: tekan s]")
        if notes:
            numbered = [f"({n}) {text}" for n, text in enumerate(notes[:4], start=1)]
            parts.append("Catatan: " + " · ".join(numbered) + (" …" if len(notes) > 4 else ""))
        if not perf.indicators and not perf.programs:
            parts.append(
                "Belum ada data: a = tambah indikator, p = tambah program, atau impor "
                f"CSV: soptrack data {self.run_id} import FILE.csv"
            )
        self.query_one("#perf-status", Static).update("\n".join(parts))

    # -- helpers ---------------------------------------------------------------------------

    def _active(self) -> tuple[str, DataTable, list[dict[str, Any]], tuple]:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "perf-programs":
            return "perf-programs", focused, self.rows.programs, PROG_COLUMNS
        table = self.query_one("#perf-indicators", DataTable)
        return "perf-indicators", table, self.rows.indicators, IND_COLUMNS

    def _changed(self, keep: tuple[str, int, int]) -> None:
        self.dirty = True
        self.confirm_close = False
        self._refresh_tables(keep)

    # -- actions ---------------------------------------------------------------------------

    def action_edit(self) -> None:
        if self.editing is not None:
            return
        table_id, table, rows, columns = self._active()
        if not rows:
            self._status(message="Tabel kosong: tambah baris dulu (a atau p).")
            return
        row, column = table.cursor_coordinate.row, table.cursor_coordinate.column
        name, heading, kind = columns[column]
        if kind == "computed":
            self._status(message=f"{heading} dihitung otomatis.")
            return
        if kind == "direction":
            current = perf_mod.parse_direction(str(rows[row].get(name) or "higher"))
            flipped = Direction.LOWER if current is Direction.HIGHER else Direction.HIGHER
            rows[row][name] = flipped.value
            self._changed((table_id, row, column))
            return
        value = _quarter(rows[row], name) if kind == "quarter" else rows[row].get(name)
        if kind in ("number", "quarter"):
            text = "" if value is None else perf_mod.format_number(value)
        else:
            text = str(value or "")
        self.editing = _Editing(table_id, row, column)
        edit = self.query_one("#perf-edit", Input)
        edit.placeholder = f"{heading} (Enter simpan, Escape batal)"
        edit.value = text
        edit.add_class("editing")
        edit.focus()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "perf-edit" or self.editing is None:
            return
        event.stop()
        editing = self.editing
        rows = self.rows.indicators if editing.table == "perf-indicators" else self.rows.programs
        columns = IND_COLUMNS if editing.table == "perf-indicators" else PROG_COLUMNS
        name, heading, kind = columns[editing.column]
        text = perf_mod.clean_cell(event.value)
        if kind in ("number", "quarter"):
            try:
                value: Any = perf_mod.parse_number(text)
            except BadInput as exc:
                self.notify(f"{heading}: {exc}", severity="error")
                return
        else:
            value = text
            if name in ("indikator", "sasaran", "program") and not value:
                self.notify(f"{heading} tidak boleh kosong", severity="error")
                return
        if kind == "quarter":
            _set_quarter(rows[editing.row], name, value)
        else:
            rows[editing.row][name] = value
        self._end_edit()
        self._changed((editing.table, editing.row, editing.column))

    def _end_edit(self) -> None:
        editing = self.editing
        self.editing = None
        edit = self.query_one("#perf-edit", Input)
        edit.remove_class("editing")
        edit.value = ""
        if editing is not None:
            self.query_one(f"#{editing.table}", DataTable).focus()

    def action_add_indicator(self) -> None:
        if self.editing is not None:
            return
        table = self.query_one("#perf-indicators", DataTable)
        sasaran, at = "Sasaran baru", len(self.rows.indicators)
        if self.rows.indicators:
            current = min(table.cursor_coordinate.row, len(self.rows.indicators) - 1)
            sasaran, at = self.rows.indicators[current]["sasaran"], current + 1
        count = len(self.rows.indicators) + 1
        row = perf_mod.to_dict(Performance((Indicator(sasaran, f"Indikator {count}"),)))
        self.rows.indicators.insert(at, row["indicators"][0])
        table.focus()
        self._changed(("perf-indicators", at, 1))

    def action_add_program(self) -> None:
        if self.editing is not None:
            return
        count = len(self.rows.programs) + 1
        self.rows.programs.append(
            perf_mod.to_dict(Performance((), (Program(f"Program {count}"),)))["programs"][0]
        )
        self.query_one("#perf-programs", DataTable).focus()
        self._changed(("perf-programs", len(self.rows.programs) - 1, 0))

    def action_delete_row(self) -> None:
        if self.editing is not None:
            return
        table_id, table, rows, _ = self._active()
        if not rows:
            return
        row = table.cursor_coordinate.row
        del rows[row]
        self._changed((table_id, max(row - 1, 0), table.cursor_coordinate.column))

    def action_switch_table(self) -> None:
        if self.editing is not None:
            return
        table_id, _, _, _ = self._active()
        other = "perf-programs" if table_id == "perf-indicators" else "perf-indicators"
        self.query_one(f"#{other}", DataTable).focus()

    async def action_save(self) -> None:
        if self.editing is not None:
            return
        if not self.dirty:
            self._status(message="Tidak ada perubahan untuk disimpan.")
            return
        services, run_id, perf, expected = (
            self.services,
            self.run_id,
            _perf_of(self.rows),
            self.loaded,
        )
        try:
            run = await off_loop(
                self,
                lambda: documents.save_performance(services, run_id, perf, expected=expected),
            )
        except SoptrackError as exc:
            self.notify(str(exc), severity="error", title="Data tidak disimpan")
            return
        self.loaded = documents.stored_performance(run)
        self.dirty = False
        self.confirm_close = False
        self._status(message="Tersimpan.")
        self.notify(f"Data kinerja {self.run_id} disimpan", timeout=3)

    def action_close(self, key: str = "Escape") -> None:
        """`key` is the key that was pressed: the warning names it, since pressing it again
        is what throws the changes away."""
        if self.editing is not None:
            self._end_edit()
            return
        if self.dirty and not self.confirm_close:
            self.confirm_close = True
            self.notify(
                f"Perubahan belum disimpan: s untuk simpan, {key} lagi untuk membuang.",
                severity="warning",
            )
            return
        self.dismiss(not self.dirty)
