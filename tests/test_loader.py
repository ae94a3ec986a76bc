"""The SOP loader: both shipped SOPs exactly as the seed writes them, and one clear error
line (file and place) for every kind of broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from soptrack.sop.catalog import SHIPPED_DIR, Catalog
from soptrack.sop.errors import SopFileError
from soptrack.sop.loader import load_sop, parse_sop
from soptrack.sop.model import StepKind

PK = SHIPPED_DIR / "pengukuran-kinerja.toml"
MR = SHIPPED_DIR / "monitoring-renstra.toml"


def test_pengukuran_kinerja_as_in_the_seed() -> None:
    sop = load_sop(PK)
    assert sop.id == "pengukuran-kinerja"
    assert sop.title == "SOP PENGUKURAN KINERJA PADA DINAS SOSIAL KABUPATEN BANGGAI"
    assert [lane.name for lane in sop.lanes] == [
        "Kadis",
        "Sekretaris",
        "Sek Tim SAKIP",
        "Anggota Tim SAKIP",
    ]
    assert len(sop.steps) == 13
    assert [s.waktu for s in sop.steps] == [
        "15 Menit",
        "1 Jam",
        "25 Menit",
        "30 menit",
        "2 Jam",
        "1 Jam",
        "3 Jam",
        "40 Menit",
        "1 Jam",
        "25 menit",
        "10 menit",
        "25 menit",
        "15 menit",
    ]
    assert [s.minutes for s in sop.steps] == [15, 60, 25, 30, 120, 60, 180, 40, 60, 25, 10, 25, 15]
    assert sop.total_minutes == 665
    nine = sop.step(9)
    assert nine.kind is StepKind.DECISION and nine.return_to == 8 and nine.lane == "kadis"
    assert nine.kegiatan.startswith("Kepala Dinas Mengoreksi konsep Dokumen pengukuran kinerja")
    assert sop.step(12).keterangan == "SOP Pengadaan Barang dan Jasa"
    assert sop.step(13).keterangan == "SOP Pengarsipan"
    assert sop.step(1).terminator and sop.step(13).terminator
    assert sop.step(1).kelengkapan == "Disposisi Surat"
    assert sop.step(1).output == "Disposisi pimpinan"
    ident = sop.identity
    assert ident.pemerintah == "PEMERINTAH KABUPATEN BANGGAI" and ident.unit == "DINAS SOSIAL"
    assert ident.judul == "Mekanisme Pengumpulan Data Kinerja"
    assert ident.disahkan_oleh.nip == "19660113 199203 1 002"
    assert len(sop.dasar_hukum) == 6 and len(sop.kualifikasi_pelaksana) == 4
    assert len(sop.peralatan) == 6 and sop.keterkaitan == ()
    assert len(sop.peringatan) == 2 and len(sop.pencatatan) == 3


def test_lanes_follow_the_actor_named_in_the_kegiatan() -> None:
    sop = load_sop(PK)
    lanes = {s.number: s.lanes for s in sop.steps}
    assert lanes[1] == ("kadis",) and lanes[2] == ("sekretaris",)
    assert lanes[3] == ("sek-tim-sakip",) and lanes[13] == ("anggota-tim-sakip",)
    assert lanes[5] == ("sek-tim-sakip", "anggota-tim-sakip")
    assert lanes[11] == ("kadis",) and lanes[12] == ("sek-tim-sakip",)
    assert "Lane rule" in PK.read_text() or "lane rule" in PK.read_text().lower()


def test_monitoring_renstra_as_in_the_seed() -> None:
    sop = load_sop(MR)
    assert sop.name.startswith("SOP Monitoring RENSTRA")
    assert len(sop.steps) == 10 and len(sop.lanes) == 6
    assert [s.minutes for s in sop.steps] == [10, 120, 60, 120, 180, 480, 480, 480, 120, 60]
    assert [s.waktu for s in sop.steps][:2] == ["10", "120"]
    assert sop.step(1).lane == "kadis" and sop.step(2).lane == "kasubag-perencanaan"
    assert sop.step(1).kelengkapan == "Lembar Disposisi"


def test_catalog_has_both_and_user_files_beside_them(tmp_path: Path) -> None:
    user = tmp_path / "sops"
    user.mkdir()
    text = (
        PK.read_text()
        .replace('id = "pengukuran-kinerja"', 'id = "pk-custom"')
        .replace('code = "pk"', 'code = "pkc"')
    )
    (user / "custom.toml").write_text(text)
    catalog = Catalog.load([user])
    assert [s.id for s in catalog] == ["monitoring-renstra", "pengukuran-kinerja", "pk-custom"]
    assert catalog.get("pkc").id == "pk-custom"


GOOD = PK.read_text()


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (lambda t: t.replace("format = 1\n", 'format = 1\nid = "x"\n'), "", "sintaks TOML"),
        (lambda t: t.replace('name = "SOP Pengukuran Kinerja"\n', ""), "name", "wajib"),
        (
            lambda t: t.replace('pelaksana = ["sekretaris"]', 'pelaksana = ["bupati"]', 1),
            "langkah 2, pelaksana",
            "bupati",
        ),
        (lambda t: t.replace("no = 3\n", "no = 2\n"), "langkah 2, no", "dua kali"),
        (lambda t: t.replace("no = 13\n", "no = 14\n"), "langkah", "13 tidak ada"),
        (
            lambda t: t.replace("kembali_ke = 8", "kembali_ke = 20"),
            "langkah 9, kembali_ke",
            "tidak ada",
        ),
        (
            lambda t: t.replace("kembali_ke = 8", "kembali_ke = 10"),
            "langkah 9, kembali_ke",
            "sebelum",
        ),
        (
            lambda t: t.replace('waktu = "1 Jam"', 'waktu = "sebentar"', 1),
            "langkah 2, waktu",
            "sebentar",
        ),
        (lambda t: t.replace("kegiatan =", "kegiatn =", 1), "langkah 1, kegiatn", "tidak dikenal"),
    ],
)
def test_each_loader_error_names_file_and_place(tmp_path: Path, mutate, where, message) -> None:
    broken = mutate(GOOD)
    assert broken != GOOD, "the mutation must change the file"
    path = tmp_path / "rusak.toml"
    path.write_text(broken)
    with pytest.raises(SopFileError) as info:
        load_sop(path)
    text = str(info.value)
    assert text.startswith(str(path)), text
    assert where in info.value.where
    assert message in text
    assert "\n" not in text


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SopFileError, match="tidak ditemukan"):
        load_sop(tmp_path / "nope.toml")
    with pytest.raises(SopFileError, match="folder"):
        load_sop(tmp_path)


def test_not_utf8_and_not_a_table() -> None:
    with pytest.raises(SopFileError, match="UTF-8"):
        parse_sop(b"\xff\xfe\x00", "x.toml")
    with pytest.raises(SopFileError, match="wajib"):
        parse_sop("format = 1\n", "x.toml")
