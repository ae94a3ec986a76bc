"""The office profile: who the instansi is, who holds which role, when the office works.

Documents, history and lateness all need it. It lives in the shared database so that one
`soptrack office set` serves the whole team. Keys are Bahasa Indonesia, as users type them.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Signatory, Step
from soptrack.sop.numbers import ascii_float, sane
from soptrack.sop.officetime import DEFAULT_ZONE, parse_zone
from soptrack.sop.run import Actor
from soptrack.sop.text import MAX_SETTING, check_length, clean_text
from soptrack.sop.values import Value
from soptrack.sop.worktime import DAY_NAMES, OfficeHours

ADMIN_ROLE = "admin"
DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (91, "Sangat Baik"),
    (76, "Baik"),
    (66, "Cukup"),
    (51, "Kurang"),
    (0, "Sangat Kurang"),
)
_TRUE = {"1", "true", "ya", "yes", "on", "aktif"}
# the seed's signature block breaks the jabatan after DINAS SOSIAL; " / " marks a line break
DEFAULT_JABATAN = "KEPALA DINAS SOSIAL / KABUPATEN BANGGAI"
_OLD_DEFAULT_JABATAN = "KEPALA DINAS SOSIAL KABUPATEN BANGGAI"
DEFAULT_FONT = "Arial"
DEFAULT_FONT_SIZE = 12.0
FONT_SIZES = (9.0, 14.0)
# the emblem travels inside the shared database, so every colleague's export carries it
LOGO_MAX_BYTES = 256 * 1024
_LOGO_KINDS = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
_LINE_BREAK = re.compile(r"\s+/\s+|\s*\|\s*")


class SignMode(StrEnum):
    """Who signs a document: the head himself, or someone for him (tata naskah dinas)."""

    KEPALA = "kepala"
    AN = "an"  # atas nama: the Sekretaris signs for the head, under his own jabatan
    PLT = "plt"  # pelaksana tugas: acting head, for a longer absence
    PLH = "plh"  # pelaksana harian: standing in for a few days

    @property
    def prefix(self) -> str:
        return {"kepala": "", "an": "a.n. ", "plt": "Plt. ", "plh": "Plh. "}[self.value]


_SIGN_WORDS = {
    "kepala": SignMode.KEPALA,
    "definitif": SignMode.KEPALA,
    "-": SignMode.KEPALA,
    "": SignMode.KEPALA,
    "an": SignMode.AN,
    "a.n.": SignMode.AN,
    "a.n": SignMode.AN,
    "atas nama": SignMode.AN,
    "plt": SignMode.PLT,
    "plt.": SignMode.PLT,
    "plh": SignMode.PLH,
    "plh.": SignMode.PLH,
}
DOCUMENT_KINDS = ("pk", "pengantar")


def parse_sign_mode(text: str) -> SignMode:
    try:
        return _SIGN_WORDS[" ".join(text.strip().lower().split())]
    except KeyError:
        raise BadInput(
            f"penanda tangan {text!r} tidak dikenal: pilih kepala, an (a.n.), plt atau plh"
        ) from None


def jabatan_lines(jabatan: str) -> list[str]:
    """The jabatan as the office breaks it: 'KEPALA DINAS SOSIAL / KABUPATEN BANGGAI' is two
    lines. A jabatan without a break is one line."""
    return [line for line in _LINE_BREAK.split(jabatan.strip()) if line]


def jabatan_one_line(jabatan: str) -> str:
    return " ".join(jabatan_lines(jabatan))


def logo_kind(data: bytes) -> str | None:
    """'png', 'jpeg' or 'gif' from the file's first bytes; None for anything else."""
    for magic, kind in _LOGO_KINDS.items():
        if data.startswith(magic):
            return kind
    return None


def encode_logo(data: bytes, source: str = "logo") -> str:
    """Check an emblem image and return it as stored: base64 text."""
    if not data:
        raise BadInput(f"{source}: file kosong")
    if logo_kind(data) is None:
        raise BadInput(f"{source}: bukan gambar PNG, JPEG atau GIF; simpan logo sebagai .png")
    if len(data) > LOGO_MAX_BYTES:
        raise BadInput(
            f"{source}: {len(data) // 1024} KB, terlalu besar (batas {LOGO_MAX_BYTES // 1024} "
            "KB); perkecil gambarnya, mis. lebar 300 piksel"
        )
    return base64.b64encode(data).decode("ascii")


def decode_logo(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise BadInput("logo tersimpan rusak; pasang lagi: soptrack office set logo FILE") from None


@dataclass(frozen=True, repr=False, eq=False)
class SignatureBlock(Value):
    """The lines of a signature block, top to bottom, as a document prints them."""

    jabatan: tuple[str, ...]
    nama: str
    pangkat: str
    nip: str


_FALSE = {"0", "false", "tidak", "no", "off", "nonaktif"}


def format_nip(text: str) -> str:
    """Write an 18-digit NIP in its groups: 19660113 199203 1 002."""
    digits = re.sub(r"\s+", "", text)
    if not re.fullmatch(r"[0-9]{18}", digits):  # not \d: '١٩٦٦...' would go into letters
        raise BadInput(f"NIP {text!r} harus 18 angka (mis. 19660113 199203 1 002)")
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


@dataclass(frozen=True, repr=False, eq=False)
class OfficeProfile(Value):
    """The office as its letters and rules need it: letterhead, signatories, roles, hours
    and time zone. Stored in the shared database, never in a user's own files."""

    pemerintah: str = "PEMERINTAH KABUPATEN BANGGAI"
    unit: str = "DINAS SOSIAL"
    alamat: str = ""
    kota: str = "Luwuk"
    telepon: str = ""
    kepala: Signatory = field(
        default_factory=lambda: Signatory(
            jabatan=DEFAULT_JABATAN,
            nama="SYAIFUDDIN MUID, SH",
            nip="19660113 199203 1 002",
            pangkat="",
        )
    )
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enforce_roles: bool = False
    hours: OfficeHours = field(default_factory=OfficeHours.default)
    letter_pattern: str = "{klasifikasi}/{nomor}/{kode_unit}/{tahun}"
    letter_klasifikasi: str = "000.8.3.3"
    letter_unit_code: str = "Dinsos"
    bands: tuple[tuple[float, str], ...] = DEFAULT_BANDS
    kode_pos: str = ""
    email: str = ""
    website: str = ""
    logo: str = ""  # base64 image bytes (see encode_logo)
    font: str = DEFAULT_FONT
    font_size: float = DEFAULT_FONT_SIZE
    pk_landscape: bool = False
    capaian_cap: float | None = None  # e.g. 120: capaian above it is printed as 120
    triwulan_rule: str = "akhir"  # the year's realisasi from TW I-IV: "akhir" or "jumlah"
    pengganti: Signatory = field(default_factory=Signatory)
    sign_modes: Mapping[str, SignMode] = field(default_factory=dict)

    def sign_mode(self, document: str) -> SignMode:
        return self.sign_modes.get(document, SignMode.KEPALA)

    def signature_block(self, mode: SignMode = SignMode.KEPALA) -> SignatureBlock:
        """Who signs and how: the head, or 'a.n.'/'Plt.'/'Plh.' before the head's jabatan
        with the substitute's own name, pangkat and NIP (a.n. adds his own jabatan)."""
        head = jabatan_lines(self.kepala.jabatan) or [""]
        if mode is SignMode.KEPALA:
            k = self.kepala
            return SignatureBlock(tuple(head), k.nama, k.pangkat, k.nip)
        who = self.pengganti
        if not who.nama.strip():
            raise RuleViolation(
                f"penanda tangan {mode.prefix.strip()} belum diatur; isi dulu: soptrack office "
                'set pengganti.nama "NAMA" (juga pengganti.jabatan, pengganti.pangkat, '
                "pengganti.nip)"
            )
        lines = [mode.prefix + head[0], *head[1:]]
        if mode is SignMode.AN:
            lines += jabatan_lines(who.jabatan)
        return SignatureBlock(tuple(lines), who.nama, who.pangkat, who.nip)

    # IANA time zone of the office (Banggai: WITA); office hours are read in it
    zona: str = DEFAULT_ZONE

    def __post_init__(self) -> None:
        # the hours carry the zone, so every count made with `profile.hours` uses it
        if self.hours.zone != self.zona:
            object.__setattr__(self, "hours", replace(self.hours, zone=self.zona))

    def roles_of(self, user: str) -> tuple[str, ...]:
        return tuple(self.users.get(user, ()))

    def predikat(self, capaian: float) -> str:
        for minimum, label in self.bands:
            if capaian >= minimum:
                return label
        return self.bands[-1][1] if self.bands else ""


# -- keys for `soptrack office show/set` ---------------------------------------------------

_TEXT_KEYS = {
    "pemerintah": "pemerintah",
    "unit": "unit",
    "alamat": "alamat",
    "kota": "kota",
    "telepon": "telepon",
    "kode_pos": "kode_pos",
    "email": "email",
    "website": "website",
    "surat.pola": "letter_pattern",
    "surat.klasifikasi": "letter_klasifikasi",
    "surat.kode_unit": "letter_unit_code",
}
_KEPALA_KEYS = ("jabatan", "nama", "pangkat", "nip")
_KOP_KEYS = 8  # the first _TEXT_KEYS: instansi and kop lines, shown first


def profile_rows(profile: OfficeProfile) -> list[tuple[str, str]]:
    """Every key with its value, as `office show` prints and `office set` accepts."""
    rows = [(key, getattr(profile, attr)) for key, attr in _TEXT_KEYS.items()][:_KOP_KEYS]
    rows.append(("logo", logo_summary(profile.logo)))
    rows += [(f"kepala.{k}", getattr(profile.kepala, k)) for k in _KEPALA_KEYS]
    rows += [(f"pengganti.{k}", getattr(profile.pengganti, k)) for k in _KEPALA_KEYS]
    rows += [(f"ttd.{kind}", profile.sign_mode(kind).value) for kind in DOCUMENT_KINDS]
    rows.append(("dokumen.huruf", profile.font))
    rows.append(("dokumen.ukuran", f"{profile.font_size:g}"))
    rows.append(("dokumen.pk_lanskap", "ya" if profile.pk_landscape else "tidak"))
    rows.append(("peran.wajib", "ya" if profile.enforce_roles else "tidak"))
    rows += [(f"peran.{user}", ",".join(roles)) for user, roles in sorted(profile.users.items())]
    hours = profile.hours.to_mapping()
    rows += [(f"jam.{day}", hours.get(day) or "-") for day in DAY_NAMES]
    rows.append(("libur", ",".join(sorted(d.isoformat() for d in profile.hours.holidays))))
    rows.append(("zona", profile.zona))
    rows += [(key, getattr(profile, attr)) for key, attr in list(_TEXT_KEYS.items())[_KOP_KEYS:]]
    rows.append(("predikat", format_bands(profile.bands)))
    cap = profile.capaian_cap
    rows.append(("capaian.batas", "-" if cap is None else f"{cap:g}"))
    rows.append(("triwulan.tahunan", profile.triwulan_rule))
    return rows


def logo_summary(logo: str) -> str:
    if not logo:
        return ""
    try:
        data = decode_logo(logo)
    except BadInput:
        return "(rusak)"
    return f"{(logo_kind(data) or '?').upper()}, {max(1, round(len(data) / 1024))} KB"


def set_value(
    profile: OfficeProfile, key: str, value: str, known_roles: Iterable[str]
) -> OfficeProfile:
    """Return the profile with one key changed; a bad key or value is BadInput."""
    key = key.strip().lower()
    # it goes into .docx files and letters: no control characters, a sane size
    value = check_length(clean_text(value), MAX_SETTING, key)
    if key in _TEXT_KEYS:
        if key == "surat.pola":
            _check_pattern(value)
        changes: dict[str, Any] = {_TEXT_KEYS[key]: value}
        return replace(profile, **changes)
    for group in ("kepala", "pengganti"):
        if key.startswith(f"{group}.") and key[len(group) + 1 :] in _KEPALA_KEYS:
            part = key[len(group) + 1 :]
            value = " ".join(value.split())
            if part == "nip" and value:
                value = format_nip(value)
            signer = replace(getattr(profile, group), **{part: value})
            return replace(profile, **{group: signer})
    if key.startswith("ttd.") and key[4:] in DOCUMENT_KINDS:
        modes = dict(profile.sign_modes)
        modes[key[4:]] = parse_sign_mode(value)
        return replace(profile, sign_modes=modes)
    if key == "logo":
        if value in ("", "-"):
            return replace(profile, logo="")
        try:
            encode_logo(decode_logo(value))  # stored text must be a usable image
        except BadInput:
            raise BadInput(
                "logo: pasang dari file gambar dengan: soptrack office set logo FILE.png"
            ) from None
        return replace(profile, logo=value)
    if key == "dokumen.huruf":
        font = " ".join(value.split())
        if not font or len(font) > 40:
            raise BadInput("dokumen.huruf: tulis nama huruf, mis. Arial atau Bookman Old Style")
        return replace(profile, font=font)
    if key == "dokumen.ukuran":
        size = _parse_decimal(key, value)
        if not FONT_SIZES[0] <= size <= FONT_SIZES[1]:
            raise BadInput(
                f"dokumen.ukuran {value!r}: pilih {FONT_SIZES[0]:g} sampai {FONT_SIZES[1]:g} "
                "(tata naskah dinas: 12)"
            )
        return replace(profile, font_size=float(size))
    if key == "dokumen.pk_lanskap":
        return replace(profile, pk_landscape=_parse_bool(key, value))
    if key == "capaian.batas":
        if value in ("", "-", "tidak", "off"):
            return replace(profile, capaian_cap=None)
        cap = _parse_decimal(key, value)
        if cap < 100:
            raise BadInput(f"capaian.batas {value!r}: paling kecil 100 (atau - untuk tanpa batas)")
        return replace(profile, capaian_cap=float(cap))
    if key == "triwulan.tahunan":
        rule = value.lower()
        if rule not in ("akhir", "jumlah"):
            raise BadInput(
                "triwulan.tahunan: 'akhir' (realisasi tahunan = triwulan terakhir yang diisi) "
                "atau 'jumlah' (TW I + II + III + IV)"
            )
        return replace(profile, triwulan_rule=rule)
    if key == "peran.wajib":
        return replace(profile, enforce_roles=_parse_bool(key, value))
    if key.startswith("peran.") and len(key) > 6:
        return _set_roles(profile, key[6:], value, known_roles)
    if key.startswith("jam.") and key[4:] in DAY_NAMES:
        mapping = dict(profile.hours.to_mapping())
        mapping[key[4:]] = "" if value in ("", "-", "libur") else value
        return replace(profile, hours=_hours(mapping, _holidays(profile.hours)))
    if key == "libur":
        dates = [d.strip() for d in value.split(",") if d.strip()]
        return replace(profile, hours=_hours(profile.hours.to_mapping(), dates))
    if key == "predikat":
        return replace(profile, bands=parse_bands(value))
    if key == "zona":
        return replace(profile, zona=parse_zone(value))
    known = ", ".join(k for k, _ in profile_rows(OfficeProfile()))
    raise BadInput(f"kunci {key!r} tidak dikenal; yang ada: {known}, peran.<user>")


def _set_roles(
    profile: OfficeProfile, user: str, value: str, known_roles: Iterable[str]
) -> OfficeProfile:
    users = dict(profile.users)
    roles = tuple(r.strip() for r in value.split(",") if r.strip() and r.strip() != "-")
    allowed = {*known_roles, ADMIN_ROLE}
    for role in roles:
        if role not in allowed:
            raise BadInput(f"peran {role!r} tidak dikenal; yang ada: {', '.join(sorted(allowed))}")
    if roles:
        users[user] = roles
    else:
        users.pop(user, None)
    return replace(profile, users=users)


def _parse_decimal(key: str, value: str) -> Decimal:
    """A setting's number: ASCII digits (Decimal() reads '١٢٠' as 120), finite, and one a
    float holds (Decimal('1e309') is finite, float() of it is infinity)."""
    text = value.strip().replace(",", ".")
    try:
        number = Decimal(text) if text.isascii() else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise BadInput(f"{key}: {value!r} bukan angka")
    if not sane(float(number)):
        raise BadInput(f"{key}: {value!r} terlalu besar untuk sebuah angka; tulis mis. 120")
    return number


def _parse_bool(key: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise BadInput(f"{key}: {value!r} harus 'ya' atau 'tidak'")


def _hours(mapping: Mapping[str, str], holidays: list[str]) -> OfficeHours:
    try:
        return OfficeHours.from_mapping(dict(mapping), holidays)
    except ValueError as exc:
        raise BadInput(f"jam kerja: {exc}") from None


def _holidays(hours: OfficeHours) -> list[str]:
    return sorted(d.isoformat() for d in hours.holidays)


def _check_pattern(pattern: str) -> None:
    if "{nomor}" not in pattern:
        raise BadInput(
            "surat.pola harus memuat {nomor}, mis. {klasifikasi}/{nomor}/{kode_unit}/{tahun}"
        )
    try:
        pattern.format(klasifikasi="", nomor=1, kode_unit="", tahun=2026, bulan="", bulan_romawi="")
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise BadInput(
            f"surat.pola {pattern!r} tidak sah ({exc}); kolom yang boleh: "
            "{klasifikasi} {nomor} {kode_unit} {tahun} {bulan} {bulan_romawi}"
        ) from None


def format_bands(bands: Iterable[tuple[float, str]]) -> str:
    return ", ".join(f"{minimum:g}:{label}" for minimum, label in bands)


def parse_bands(text: str) -> tuple[tuple[float, str], ...]:
    """'91:Sangat Baik, 76:Baik, 0:Kurang': each band's lowest capaian and its predikat."""
    bands: list[tuple[float, str]] = []
    for part in text.split(","):
        minimum, sep, label = part.partition(":")
        try:
            value: float | None = ascii_float(minimum.strip().replace(",", "."))
        except ValueError:
            value = None
        if not sep or value is None or not sane(value) or not label.strip():
            raise BadInput(f"predikat {part.strip()!r}: tulis NILAI:LABEL, mis. 91:Sangat Baik")
        bands.append((value, label.strip()))
    return tuple(sorted(bands, key=lambda b: b[0], reverse=True))


# -- stored form ---------------------------------------------------------------------------


def profile_to_dict(profile: OfficeProfile) -> dict[str, Any]:
    return {
        "pemerintah": profile.pemerintah,
        "unit": profile.unit,
        "alamat": profile.alamat,
        "kota": profile.kota,
        "telepon": profile.telepon,
        "kode_pos": profile.kode_pos,
        "email": profile.email,
        "website": profile.website,
        "logo": profile.logo,
        "kepala": {k: getattr(profile.kepala, k) for k in _KEPALA_KEYS},
        "pengganti": {k: getattr(profile.pengganti, k) for k in _KEPALA_KEYS},
        "sign_modes": {kind: mode.value for kind, mode in profile.sign_modes.items()},
        "font": profile.font,
        "font_size": profile.font_size,
        "pk_landscape": profile.pk_landscape,
        "capaian_cap": profile.capaian_cap,
        "triwulan_rule": profile.triwulan_rule,
        "users": {u: list(r) for u, r in profile.users.items()},
        "enforce_roles": profile.enforce_roles,
        "hours": dict(profile.hours.to_mapping()),
        "holidays": _holidays(profile.hours),
        "letter_pattern": profile.letter_pattern,
        "letter_klasifikasi": profile.letter_klasifikasi,
        "letter_unit_code": profile.letter_unit_code,
        "bands": [[m, label] for m, label in profile.bands],
        "zona": profile.zona,
    }


def profile_from_dict(data: Mapping[str, Any]) -> OfficeProfile:
    default = OfficeProfile()
    kepala = dict(data.get("kepala") or {})
    if kepala.get("jabatan") == _OLD_DEFAULT_JABATAN:
        kepala["jabatan"] = DEFAULT_JABATAN  # the old default, written before line breaks
    pengganti = data.get("pengganti") or {}
    cap = data.get("capaian_cap")
    hours = default.hours
    if "hours" in data:
        hours = OfficeHours.from_mapping(dict(data["hours"]), list(data.get("holidays", [])))
    return OfficeProfile(
        pemerintah=data.get("pemerintah", default.pemerintah),
        unit=data.get("unit", default.unit),
        alamat=data.get("alamat", default.alamat),
        kota=data.get("kota", default.kota),
        telepon=data.get("telepon", default.telepon),
        kepala=Signatory(**{k: kepala.get(k, getattr(default.kepala, k)) for k in _KEPALA_KEYS}),
        kode_pos=str(data.get("kode_pos", "")),
        email=str(data.get("email", "")),
        website=str(data.get("website", "")),
        logo=str(data.get("logo", "")),
        pengganti=Signatory(**{k: str(pengganti.get(k, "")) for k in _KEPALA_KEYS}),
        sign_modes={
            kind: parse_sign_mode(str(mode))
            for kind, mode in (data.get("sign_modes") or {}).items()
            if kind in DOCUMENT_KINDS
        },
        font=str(data.get("font") or DEFAULT_FONT),
        font_size=_stored_number(data.get("font_size")) or DEFAULT_FONT_SIZE,
        pk_landscape=bool(data.get("pk_landscape", False)),
        capaian_cap=_stored_cap(cap),
        triwulan_rule=str(data.get("triwulan_rule") or "akhir"),
        users={u: tuple(r) for u, r in (data.get("users") or {}).items()},
        enforce_roles=bool(data.get("enforce_roles", False)),
        hours=hours,
        letter_pattern=data.get("letter_pattern", default.letter_pattern),
        letter_klasifikasi=data.get("letter_klasifikasi", default.letter_klasifikasi),
        letter_unit_code=data.get("letter_unit_code", default.letter_unit_code),
        bands=_stored_bands(data.get("bands"), default.bands),
        zona=parse_zone(str(data.get("zona") or default.zona)),
    )


def _stored_number(value: Any) -> float | None:
    """A number as stored, None for none (or a value no figure can mean: null where an old
    version wrote Infinity, text edited in by hand)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _stored_bands(
    bands: Any, default: tuple[tuple[float, str], ...]
) -> tuple[tuple[float, str], ...]:
    """The predikat bands as stored; a band whose threshold is no number is left out (the
    others still rate), and none at all is the default."""
    if not isinstance(bands, list):
        return default
    kept = []
    for band in bands:
        if isinstance(band, list | tuple) and len(band) == 2:
            threshold = _stored_number(band[0])
            if threshold is not None:
                kept.append((threshold, str(band[1])))
    return tuple(kept) or default


def _stored_cap(cap: Any) -> float | None:
    """A cap stored before non-finite numbers were refused ('Infinity') is no cap."""
    value = _stored_number(cap)
    return value if value is not None and sane(value) else None


# -- who may change the rules -------------------------------------------------------------


def is_admin_key(key: str) -> bool:
    """Keys that decide who may do what and when the office works: with enforcement on only
    an admin may set them, and a user's own config file may not."""
    key = key.strip().lower()
    return key.startswith(("peran.", "jam.")) or key in ("libur", "zona")


def is_admin(profile: OfficeProfile, user: str) -> bool:
    return ADMIN_ROLE in profile.roles_of(user)


def check_may_change(profile: OfficeProfile, user: str, what: str) -> None:
    """Refuse a rule change by a non-admin while roles are enforced."""
    if profile.enforce_roles and not is_admin(profile, user):
        admins = sorted(u for u, roles in profile.users.items() if ADMIN_ROLE in roles)
        raise RuleViolation(
            f"{what} hanya boleh diubah oleh admin selama peran wajib; pengguna {user} "
            f"bukan admin (admin: {', '.join(admins) or 'belum ada, atur di config sistem'})"
        )


# -- who may act ---------------------------------------------------------------------------


def resolve_actor(
    user: str, as_role: str | None, profile: OfficeProfile, known_roles: Iterable[str]
) -> Actor:
    """The acting user and role. `--as` may only claim a held role when roles are enforced."""
    held = profile.roles_of(user)
    if not as_role:
        return Actor(user, held[0] if held else "")
    allowed = {*known_roles, ADMIN_ROLE}
    if as_role not in allowed:
        raise BadInput(f"peran {as_role!r} tidak dikenal; yang ada: {', '.join(sorted(allowed))}")
    if profile.enforce_roles and as_role not in held and ADMIN_ROLE not in held:
        raise RuleViolation(
            f"Pengguna {user} tidak memegang peran {as_role!r} "
            f"(peran: {', '.join(held) or 'tidak ada'}); minta admin: "
            f"soptrack office set peran.{user} {as_role}"
        )
    return Actor(user, as_role)


def check_may_act(step: Step, actor: Actor, profile: OfficeProfile) -> None:
    """Refuse a transition on a step outside the actor's lanes, when enforcement is on."""
    if not profile.enforce_roles:
        return
    held = profile.roles_of(actor.user)
    if ADMIN_ROLE in held or actor.role == ADMIN_ROLE and ADMIN_ROLE in held:
        return
    acting = {actor.role} if actor.role else set(held)
    if acting & set(step.lanes) and (not actor.role or actor.role in held):
        return
    raise RuleViolation(
        f"Langkah {step.number} dikerjakan oleh {', '.join(step.lanes)}; pengguna {actor.user} "
        f"({', '.join(held) or 'tanpa peran'}) tidak boleh mengubahnya."
    )
