"""Rich renderings for the command line: an SOP, one run's status, a run's history."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from soptrack.cli.output import FittedTable, text
from soptrack.cli.output import table as fitted
from soptrack.services.labels import minutes as _mins
from soptrack.sop.model import Sop
from soptrack.sop.officetime import in_office
from soptrack.sop.run import ACTION_LABELS, Run, StepState
from soptrack.sop.status import RunStatus

STATE_STYLE = {
    StepState.BELUM: "dim",
    StepState.BERJALAN: "bold yellow",
    StepState.SELESAI: "green",
    StepState.DIKEMBALIKAN: "bold red",
}


def _add_row(table: Table | FittedTable, *cells: str | Text) -> None:
    """User data (kegiatan, notes, names) is never read as rich markup, and is cleaned."""
    table.add_row(*(text(c) if isinstance(c, str) else c for c in cells))


def _numbered(items: tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)) or "-"


def print_sop(console: Console, sop: Sop) -> None:
    ident = sop.identity
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    signer = ident.disahkan_oleh
    for key, value in [
        ("SOP", f"{sop.name} ({sop.id})"),
        ("Judul SOP", ident.judul),
        ("Instansi", f"{ident.pemerintah} / {ident.unit}"),
        ("Nomor SOP", ident.nomor or "-"),
        ("Tgl pembuatan", ident.tanggal_pembuatan or "-"),
        ("Tgl revisi", ident.tanggal_revisi or "-"),
        ("Tgl efektif", ident.tanggal_efektif or "-"),
        ("Disahkan oleh", f"{signer.jabatan} {signer.nama} NIP. {signer.nip}".strip()),
        ("File", sop.source),
    ]:
        _add_row(head, key, value)
    console.print(text((sop.title, "bold")))
    console.print(head)
    for title, items in [
        ("Dasar Hukum", sop.dasar_hukum),
        ("Kualifikasi Pelaksana", sop.kualifikasi_pelaksana),
        ("Keterkaitan", sop.keterkaitan),
        ("Peralatan/Perlengkapan", sop.peralatan),
        ("Peringatan", sop.peringatan),
        ("Pencatatan dan Pendataan", sop.pencatatan),
    ]:
        console.print(Text(f"\n{title}", style="bold"))
        console.print(text(_numbered(items)))
    console.print()
    table = fitted(
        "Langkah", ["No", "Kegiatan", "Pelaksana", "Kelengkapan", "Waktu", "Output", "Ket"]
    )
    for step in sop.steps:
        kegiatan = step.kegiatan
        if step.is_decision:
            kegiatan += f"\n◆ keputusan: tidak -> kembali ke langkah {step.return_to}"
        _add_row(
            table,
            str(step.number),
            kegiatan,
            ", ".join(sop.lane(lane).name for lane in step.lanes),
            step.kelengkapan,
            f"{step.waktu} ({_mins(step.minutes)})",
            step.output,
            step.keterangan,
        )
    console.print(table)
    console.print(f"Waktu baku total: {_mins(sop.total_minutes)}")


def print_run_status(console: Console, status: RunStatus) -> None:
    run = status.run
    console.print(
        text((f"{run.id}  {run.title} ({run.year})", "bold")),
        text(
            f"\n{status.sop.name}: {status.done}/{status.total} langkah, "
            f"{run.state}, waktu kerja {_mins(status.elapsed_minutes)} "
            f"dari baku {_mins(status.standard_minutes)}"
            + (f", {run.revisions} kali dikembalikan" if run.revisions else "")
        ),
    )
    for warning in status.warnings:
        console.print(text((f"PERINGATAN: {warning}", "bold")))
    table = fitted(
        None,
        ["", "No", "Langkah", "Pelaksana", "Status", "Oleh", "Waktu", "Telat"],
        nowrap=("No", "Status"),
    )
    for step in status.steps:
        lanes = ", ".join(status.sop.lane(lane).name for lane in step.lanes)
        _add_row(
            table,
            "▶" if step.current else "",
            str(step.number),
            ("◆ " if step.decision else "") + step.label,
            lanes,
            Text(step.state.value, style=STATE_STYLE[step.state]),
            step.user or "-",
            f"{_mins(step.worked_minutes)} / {_mins(step.standard_minutes)}",
            Text("TERLAMBAT", style="bold red") if step.late else "",
        )
    console.print(table)


def print_history(console: Console, run: Run, zone: str = "") -> None:
    """Times as the office's clock shows them (`zone`), whatever offset they were stored in."""
    table = fitted(
        f"Riwayat {run.id}: {run.title}",
        ["#", "Waktu", "No", "Aksi", "Status", "Oleh", "Catatan"],
        nowrap=("Waktu", "Status"),
    )
    for entry in run.history:
        who = f"{entry.user} ({entry.role})" if entry.role else entry.user
        _add_row(
            table,
            str(entry.seq),
            (in_office(entry.at, zone) if zone else entry.at).strftime("%Y-%m-%d %H:%M"),
            str(entry.step),
            ACTION_LABELS[entry.action],
            f"{entry.from_state.value}→{entry.to_state.value}",
            who,
            entry.note,
        )
    if not run.history:
        console.print(f"Run {run.id} belum punya riwayat.")
        return
    console.print(table)
