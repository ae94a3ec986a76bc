"""The office profile: who the instansi is, who holds which role, when the office works.

Documents, history and lateness all need it. It lives in the shared database so that one
`soptrack office set` serves the whole team. Keys are Bahasa Indonesia, as users type them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Signatory, Step
from soptrack.sop.run import Actor
from soptrack.sop.text import MAX_SETTING, check_length, clean_text
from soptrack.sop.worktime import OfficeHours

DAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
ADMIN_ROLE = "admin"
DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (91, "Sangat Baik"),
    (76, "Baik"),
    (66, "Cukup"),
    (51, "Kurang"),
    (0, "Sangat Kurang"),
)
_TRUE = {"1", "true", "ya", "yes", "on", "aktif"}
_FALSE = {"0", "false", "tidak", "no", "off", "nonaktif"}


def format_nip(text: str) -> str:
    """Write an 18-digit NIP in its groups: 19660113 199203 1 002."""
    digits = re.sub(r"\s+", "", text)
    if not re.fullmatch(r"\d{18}", digits):
        raise BadInput(f"NIP {text!r} harus 18 angka (mis. 19660113 199203 1 002)")
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


@dataclass(frozen=True)
class OfficeProfile:
    pemerintah: str = "PEMERINTAH KABUPATEN BANGGAI"
    unit: str = "DINAS SOSIAL"
    alamat: str = ""
    kota: str = "Luwuk"
    telepon: str = ""
    kepala: Signatory = field(
        default_factory=lambda: Signatory(
            jabatan="KEPALA DINAS SOSIAL KABUPATEN BANGGAI",
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
    "surat.pola": "letter_pattern",
    "surat.klasifikasi": "letter_klasifikasi",
    "surat.kode_unit": "letter_unit_code",
}
_KEPALA_KEYS = ("jabatan", "nama", "pangkat", "nip")


def profile_rows(profile: OfficeProfile) -> list[tuple[str, str]]:
    """Every key with its value, as `office show` prints and `office set` accepts."""
    rows = [(key, getattr(profile, attr)) for key, attr in _TEXT_KEYS.items()][:5]
    rows += [(f"kepala.{k}", getattr(profile.kepala, k)) for k in _KEPALA_KEYS]
    rows.append(("peran.wajib", "ya" if profile.enforce_roles else "tidak"))
    rows += [(f"peran.{user}", ",".join(roles)) for user, roles in sorted(profile.users.items())]
    hours = profile.hours.to_mapping()
    rows += [(f"jam.{day}", hours.get(day) or "-") for day in DAYS]
    rows.append(("libur", ",".join(sorted(d.isoformat() for d in profile.hours.holidays))))
    rows += [(key, getattr(profile, attr)) for key, attr in list(_TEXT_KEYS.items())[5:]]
    rows.append(("predikat", format_bands(profile.bands)))
    return rows


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
        return replace(profile, **{_TEXT_KEYS[key]: value})
    if key.startswith("kepala.") and key[7:] in _KEPALA_KEYS:
        part = key[7:]
        if part == "nip" and value:
            value = format_nip(value)
        return replace(profile, kepala=replace(profile.kepala, **{part: value}))
    if key == "peran.wajib":
        return replace(profile, enforce_roles=_parse_bool(key, value))
    if key.startswith("peran.") and len(key) > 6:
        return _set_roles(profile, key[6:], value, known_roles)
    if key.startswith("jam.") and key[4:] in DAYS:
        mapping = dict(profile.hours.to_mapping())
        mapping[key[4:]] = "" if value in ("", "-", "libur") else value
        return replace(profile, hours=_hours(mapping, _holidays(profile.hours)))
    if key == "libur":
        dates = [d.strip() for d in value.split(",") if d.strip()]
        return replace(profile, hours=_hours(profile.hours.to_mapping(), dates))
    if key == "predikat":
        return replace(profile, bands=parse_bands(value))
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
            value = float(minimum.strip().replace(",", "."))
        except ValueError:
            value = None
        if not sep or value is None or not label.strip():
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
        "kepala": {k: getattr(profile.kepala, k) for k in _KEPALA_KEYS},
        "users": {u: list(r) for u, r in profile.users.items()},
        "enforce_roles": profile.enforce_roles,
        "hours": dict(profile.hours.to_mapping()),
        "holidays": _holidays(profile.hours),
        "letter_pattern": profile.letter_pattern,
        "letter_klasifikasi": profile.letter_klasifikasi,
        "letter_unit_code": profile.letter_unit_code,
        "bands": [[m, label] for m, label in profile.bands],
    }


def profile_from_dict(data: Mapping[str, Any]) -> OfficeProfile:
    default = OfficeProfile()
    kepala = data.get("kepala") or {}
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
        users={u: tuple(r) for u, r in (data.get("users") or {}).items()},
        enforce_roles=bool(data.get("enforce_roles", False)),
        hours=hours,
        letter_pattern=data.get("letter_pattern", default.letter_pattern),
        letter_klasifikasi=data.get("letter_klasifikasi", default.letter_klasifikasi),
        letter_unit_code=data.get("letter_unit_code", default.letter_unit_code),
        bands=tuple((float(m), str(label)) for m, label in data.get("bands", default.bands)),
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


def today_year(today: date) -> int:
    return today.year
