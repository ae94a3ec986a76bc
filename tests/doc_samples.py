"""Realistic Dinas Sosial performance data for document tests: any number of indicators
under a few Sasaran Strategis, with long Indonesian texts, the edge cases of the capaian
rules, source remarks and a programme with its realisasi still blank."""

from __future__ import annotations

from soptrack.sop.performance import Direction, Indicator, Performance, Program

SASARAN = (
    "Meningkatnya kualitas penanganan Penyandang Masalah Kesejahteraan Sosial (PMKS)",
    "Meningkatnya perlindungan dan jaminan sosial bagi masyarakat miskin dan rentan",
    "Meningkatnya pemberdayaan sosial dan partisipasi Potensi Sumber Kesejahteraan Sosial",
    "Meningkatnya kualitas tata kelola dan akuntabilitas kinerja perangkat daerah",
)
INDICATORS = (
    ("Persentase PMKS yang memperoleh bantuan sosial untuk pemenuhan kebutuhan dasar", "%"),
    (
        "Jumlah korban bencana alam dan sosial yang tidak tertangani dalam masa tanggap darurat",
        "orang",
    ),
    (
        "Persentase penyandang disabilitas terlantar yang terpenuhi kebutuhan dasarnya di luar "
        "panti",
        "%",
    ),
    ("Persentase anak terlantar yang terpenuhi kebutuhan dasarnya di luar LKSA", "%"),
    ("Persentase lanjut usia terlantar yang mendapat rehabilitasi sosial dasar", "%"),
    ("Jumlah keluarga penerima manfaat yang dimutakhirkan dalam DTKS", "KK"),
    ("Persentase Potensi Sumber Kesejahteraan Sosial (PSKS) yang aktif", "%"),
    ("Nilai SAKIP Dinas Sosial hasil evaluasi Inspektorat", "nilai"),
)
PROGRAMS = (
    "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    "Program Pemberdayaan Sosial",
    "Program Rehabilitasi Sosial",
    "Program Perlindungan dan Jaminan Sosial",
    "Program Penanganan Bencana",
    "Program Pengelolaan Taman Makam Pahlawan",
    "Pemberdayaan Fakir Miskin dan Komunitas Adat Terpencil",
    "Program Penanganan Warga Negara Migran Korban Tindak Kekerasan",
    "Program Perencanaan, Pengendalian dan Evaluasi Kinerja",
)


def sample(indicators: int = 6, programs: int = 4, *, triwulan: bool = False) -> Performance:
    rows = []
    for n in range(indicators):
        text, satuan = INDICATORS[n % len(INDICATORS)]
        if n >= len(INDICATORS):
            text = f"{text} (lokasi {n // len(INDICATORS) + 1})"
        sasaran = SASARAN[min(n * len(SASARAN) // max(indicators, 1), len(SASARAN) - 1)]
        lower = satuan == "orang"
        target = 0.0 if lower else (80.0 if satuan == "%" else 1250.0)
        real = 0.0 if lower else (82.5 if n % 3 == 0 else 71.25)
        quarters = (20.0, 45.5, 61.0, real) if triwulan and not lower else (None,) * 4
        rows.append(
            Indicator(
                sasaran,
                text,
                satuan,
                target,
                real,
                Direction.LOWER if lower else Direction.HIGHER,
                "data Bidang Rehabilitasi Sosial" if n % 4 == 2 else "",
                quarters,
            )
        )
    progs = []
    for n in range(programs):
        pagu = 1_250_000_000.0 + n * 137_500_000
        real = None if n == programs - 1 and programs > 2 else pagu * 0.93
        progs.append(Program(PROGRAMS[n % len(PROGRAMS)], pagu, real))
    return Performance(tuple(rows), tuple(progs))


def emblem_png(size: int = 96) -> bytes:
    """A small emblem-like PNG (a shield of two colours), made without an imaging library."""
    import struct
    import zlib

    rows = []
    for y in range(size):
        row = bytearray([0])
        half = size // 2
        for x in range(size):
            inside = abs(x - half) < half - y // 4 if y > size // 3 else 4 < x < size - 4
            if not inside or y < 4:
                row += b"\xff\xff\xff"
            elif y < size // 2:
                row += b"\xc0\x00\x00"
            else:
                row += b"\x1f\x4e\x9a"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
