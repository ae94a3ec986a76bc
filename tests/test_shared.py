"""One office, one server: config precedence, group permissions, identity, serve."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from privileges import become, preload, readable_shipped_sops

from soptrack.services.config import load_config
from soptrack.services.core import Services, os_user

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_precedence_flag_env_user_system_default(tmp_path: Path, isolated_home: Path) -> None:
    system = write(
        tmp_path / "etc" / "config.toml",
        'db = "/srv/system.json"\n'
        '[office]\nkota = "Luwuk"\nalamat = "Jl. Sistem"\n[peran]\nbudi = ["kadis"]\n',
    )
    env = {"SOPTRACK_CONFIG": str(system)}
    assert load_config(env={}).db.source.startswith("bawaan")
    config = load_config(env=env)
    assert config.db.value == "/srv/system.json" and "config sistem" in config.db.source
    assert config.office["peran.budi"].value == "kadis"
    user = write(
        isolated_home / ".config" / "soptrack" / "config.toml",
        'db = "/home/u/user.json"\n[office]\nalamat = "Jl. Pengguna"\n',
    )
    config = load_config(env=env)
    assert config.db.value == "/home/u/user.json" and str(user) in config.db.source
    assert config.office["alamat"].value == "Jl. Pengguna"
    assert config.office["kota"].value == "Luwuk"  # still from the system file
    config = load_config(env={**env, "SOPTRACK_DB": "/tmp/env.json"})
    assert config.db.value == "/tmp/env.json" and "SOPTRACK_DB" in config.db.source
    config = load_config("/tmp/flag.json", env={**env, "SOPTRACK_DB": "/tmp/env.json"})
    assert config.db.value == "/tmp/flag.json" and config.db.source == "flag --db"


def test_config_office_keys_win_and_cannot_be_set_in_the_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = write(
        tmp_path / "config.toml",
        f'db = "{tmp_path / "db.json"}"\n[office]\nalamat = "Jl. Ahmad Yani 1"\n'
        '[office.kepala]\nnama = "Drs. CONTOH"\n[peran]\nbudi = "sekretaris,kadis"\n'
        "wajib = true\n",
    )
    monkeypatch.setenv("SOPTRACK_CONFIG", str(system))
    services = Services(config=load_config(), user="budi")
    office = services.office()
    assert office.alamat == "Jl. Ahmad Yani 1" and office.kepala.nama == "Drs. CONTOH"
    assert office.roles_of("budi") == ("sekretaris", "kadis") and office.enforce_roles
    from soptrack.sop.errors import BadInput

    with pytest.raises(BadInput, match="diatur oleh"):
        services.set_office("alamat", "lain")
    services.set_office("kota", "Banggai")
    assert services.office().kota == "Banggai"


def test_broken_config_is_one_line_naming_the_file(tmp_path: Path, cli) -> None:
    bad = write(tmp_path / "config.toml", "db = \n")
    result = cli("runs", env={"SOPTRACK_CONFIG": str(bad)})
    assert result.returncode == 2 and str(bad) in result.stderr
    assert result.stderr.count("\n") == 1
    unknown = write(tmp_path / "c2.toml", 'warna = "biru"\n')
    result = cli("runs", env={"SOPTRACK_CONFIG": str(unknown)})
    assert result.returncode == 2 and "warna" in result.stderr


def test_config_and_whoami_commands(tmp_path: Path, cli) -> None:
    system = write(tmp_path / "config.toml", '[peran]\nbudi = ["sekretaris"]\n')
    out = cli("config", env={"SOPTRACK_CONFIG": str(system)}, check=True).stdout
    assert "flag --db" in out and "peran.budi" in out
    out = cli("whoami", check=True).stdout
    assert "Pengguna:" in out and "Database:" in out


def test_sudo_user_is_the_acting_user(monkeypatch: pytest.MonkeyPatch) -> None:
    if not ROOT:
        pytest.skip("needs root to stand for sudo")
    monkeypatch.setenv("SUDO_USER", "budi")
    assert os_user() == "budi"


def test_new_file_in_group_writable_folder_is_group_writable(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o2770)
    services = Services(db=folder / "db.json", user="budi")
    services.new_run("pengukuran-kinerja", "PK", 2026)
    assert (folder / "db.json").stat().st_mode & 0o660 == 0o660
    services.act("pk-1", 1, "start")
    # every file of the set: the main file, the year file and the index (written without
    # fsync, but with the same care for its mode)
    for name in ("db.json", "db.2026.json", "db.index.json"):
        mode = (folder / name).stat().st_mode
        assert mode & 0o777 == 0o660 | (mode & 0o006), name


def _user_exists(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True).returncode == 0


@pytest.fixture
def office_users():
    """Two real Unix users in one group (only as root, with useradd)."""
    if not ROOT or not shutil.which("useradd"):
        pytest.skip("needs root and useradd")
    group, users = "soptrackuji", ["sopuji1", "sopuji2"]
    subprocess.run(["groupadd", "-f", group], check=True)
    for user in users:
        if not _user_exists(user):
            subprocess.run(["useradd", "-M", "-N", "-G", group, user], check=True)
    base = Path(tempfile.mkdtemp(prefix="soptrack-shared-", dir="/tmp"))
    os.chmod(base, 0o755)
    yield group, users, base
    shutil.rmtree(base, ignore_errors=True)
    for user in users:
        subprocess.run(["userdel", user], capture_output=True)
    subprocess.run(["groupdel", group], capture_output=True)


def _as(
    user: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a forked child that has become `user`. A fork, not an exec: the
    interpreter may live under /root, which another user cannot read. `env` is set last
    (e.g. a spoofed LOGNAME)."""
    import contextlib
    import io
    import pwd

    import soptrack.main

    preload()  # before the fork: the child may not read the clone
    shipped = readable_shipped_sops()

    info = pwd.getpwnam(user)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 70
        out, err = io.StringIO(), io.StringIO()
        try:
            os.close(read_fd)
            become(info.pw_uid, info.pw_gid, os.getgrouplist(user, info.pw_gid), shipped)
            os.environ.update(
                {
                    "USER": user,
                    "LOGNAME": user,
                    "HOME": f"/tmp/{user}-home",
                    "XDG_CONFIG_HOME": f"/tmp/{user}-home/.config",
                    "XDG_DATA_HOME": f"/tmp/{user}-home/.local/share",
                }
            )
            os.environ.pop("SUDO_USER", None)
            os.environ.update(env or {})
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = soptrack.main.main(list(args))
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            err.write(f"child failed: {exc!r}\n")
        finally:
            payload = json.dumps([code, out.getvalue(), err.getvalue()]).encode()
            os.write(write_fd, payload)
            os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    code, out, err = json.loads(b"".join(chunks))
    return subprocess.CompletedProcess(args, code, out, err)


def test_two_unix_users_in_one_group_share_one_board(office_users) -> None:
    group, (first, second), base = office_users
    shared = base / "kantor"
    out = subprocess.run(
        [sys.executable, "-m", "soptrack", "init", "--shared", str(shared), "--group", group],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "setgid" in out
    db = str(shared / "soptrack.json")
    # The administrator's system config (SOPTRACK_CONFIG stands in for /etc/soptrack here):
    # the users pass no --db and set no SOPTRACK_DB.
    system = base / "config.toml"
    system.write_text(f'db = "{db}"\n[peran]\n{first} = ["sekretaris"]\n{second} = ["kadis"]\n')
    os.chmod(system, 0o644)
    os.environ["SOPTRACK_CONFIG"] = str(system)
    try:
        made = _as(first, "run", "new", "pengukuran-kinerja", "--title", "PK")
        assert made.returncode == 0, made.stderr
        run_id = made.stdout.strip()
        for user, action in [(first, "start"), (second, "done")]:
            result = _as(user, "step", run_id, "1", action)
            assert result.returncode == 0, result.stderr
        history = json.loads(_as(second, "history", run_id, "--json").stdout)
        whoami = _as(second, "whoami").stdout
    finally:
        del os.environ["SOPTRACK_CONFIG"]
    assert [(h["user"], h["role"]) for h in history] == [(first, "sekretaris"), (second, "kadis")]
    assert db in whoami and "kadis" in whoami
    index = Path(db).with_name("soptrack.index.json")
    year = next(Path(db).parent.glob("soptrack.[0-9][0-9][0-9][0-9].json"))
    for path in [Path(db), Path(db + ".lock"), index, year]:
        st = path.stat()
        assert st.st_mode & 0o060 == 0o060, path
        import grp

        assert grp.getgrgid(st.st_gid).gr_name == group, path


def _kunjungan(lane_of_step_1: str) -> str:
    from soptrack.sop.catalog import SHIPPED_DIR

    return (
        (SHIPPED_DIR / "pengukuran-kinerja.toml")
        .read_text()
        .replace('id = "pengukuran-kinerja"', 'id = "kunjungan"')
        .replace('code = "pk"', 'code = "kj"')
        .replace('pelaksana = ["kadis"]', f'pelaksana = ["{lane_of_step_1}"]', 1)
    )


def test_two_users_one_truth(office_users) -> None:
    """One database, two Unix users: one catalog, rules only by the admin, identity from
    the OS, old runs on their own SOP version, a hand edit found by doctor."""
    import grp
    import pwd

    group, (admin, budi), base = office_users
    shared = base / "kantor"
    subprocess.run(
        [sys.executable, "-m", "soptrack", "init", "--shared", str(shared), "--group", group],
        capture_output=True,
        check=True,
    )
    db = shared / "soptrack.json"
    system = base / "config.toml"
    system.write_text(
        f'db = "{db}"\n[peran]\n{admin} = ["sekretaris", "admin"]\n{budi} = ["kadis"]\n'
        "wajib = true\n"
    )
    os.chmod(system, 0o644)
    draft = base / "kunjungan.toml"
    draft.write_text(_kunjungan("kadis"))
    changed = base / "kunjungan-2.toml"
    changed.write_text(_kunjungan("sekretaris"))
    for path in (draft, changed):
        os.chmod(path, 0o644)
    # budi's own config tries to switch enforcement off and give himself every role
    home = Path(f"/tmp/{budi}-home")
    own = home / ".config" / "soptrack" / "config.toml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(f'[peran]\nwajib = false\n{budi} = ["kadis", "sekretaris", "admin"]\n')
    info = pwd.getpwnam(budi)
    for path in [home, *home.rglob("*")]:
        os.chown(path, info.pw_uid, grp.getgrnam(group).gr_gid)
    os.environ["SOPTRACK_CONFIG"] = str(system)
    try:
        # an SOP added by one is seen and usable by the other
        added = _as(admin, "sop", "add", str(draft))
        assert added.returncode == 0, added.stderr
        sops = json.loads(_as(budi, "sops", "--json").stdout)
        assert {s["id"]: s["version"] for s in sops}["kunjungan"] == 1
        made = _as(budi, "run", "new", "kj", "--title", "Kunjungan")
        assert made.returncode == 0, made.stderr
        run_id = made.stdout.strip()
        started = _as(budi, "step", run_id, "1", "start")
        assert started.returncode == 0, started.stderr

        # a non-admin changes no rule: not through office set, not through his own config
        for key, value in [(f"peran.{budi}", "sekretaris"), ("peran.wajib", "tidak")]:
            refused = _as(budi, "office", "set", key, value)
            assert refused.returncode == 1 and "admin" in refused.stderr, refused.stderr
        refused = _as(budi, "sop", "add", "--replace", str(changed))
        assert refused.returncode == 1 and "admin" in refused.stderr
        whoami = _as(budi, "whoami").stdout
        assert "Peran wajib: ya" in whoami and "Peran: kadis;" in whoami

        # LOGNAME/USER spoofing: the history records the real account
        spoof = {"LOGNAME": admin, "USER": admin}
        done = _as(budi, "step", run_id, "1", "done", env=spoof)
        assert done.returncode == 0, done.stderr
        refused = _as(budi, "step", run_id, "2", "start", env=spoof)  # the Sekretaris' step
        assert refused.returncode == 1, refused.stderr

        # the admin changes the SOP: the old run keeps its version, undo still works
        replaced = _as(admin, "sop", "add", "--replace", str(changed))
        assert replaced.returncode == 0 and run_id in replaced.stdout, replaced.stderr
        undone = _as(budi, "undo", run_id)  # step 1 is the Kadis' in version 1
        assert undone.returncode == 0, undone.stderr
        status = json.loads(_as(budi, "status", run_id, "--json").stdout)
        assert status["sop_version"] == 1 and status["steps"][0]["lanes"] == ["kadis"]
        new = _as(admin, "run", "new", "kj", "--title", "Kunjungan 2").stdout.strip()
        assert _as(budi, "step", new, "1", "start").returncode == 1  # now the Sekretaris'
        assert _as(admin, "step", new, "1", "start").returncode == 0

        history = json.loads(_as(admin, "history", run_id, "--json").stdout)
        assert [h["user"] for h in history] == [budi, budi, budi]
        assert _as(admin, "doctor").returncode == 0

        # a hand edit of the shared file (here by root) is reported by doctor
        year_file = next(db.parent.glob(f"{db.stem}.[0-9][0-9][0-9][0-9].json"))
        data = json.loads(year_file.read_text())
        data["runs"]["1"]["history"][1]["user"] = admin
        year_file.write_text(json.dumps(data))
        doctor = _as(budi, "doctor")
    finally:
        del os.environ["SOPTRACK_CONFIG"]
        shutil.rmtree(home, ignore_errors=True)
    assert doctor.returncode == 2 and f"run {run_id}" in doctor.stdout
    assert "entri #2" in doctor.stdout


def test_permission_error_names_file_owner_and_mode(office_users) -> None:
    group, (first, _second), base = office_users
    private = base / "private"
    private.mkdir()
    os.chmod(private, 0o700)
    db = private / "db.json"
    Services(db=db, user="root").new_run("pengukuran-kinerja", "PK", 2026)
    os.chmod(private, 0o755)
    os.chmod(db, 0o600)
    result = _as(first, "--db", str(db), "runs")
    assert result.returncode == 2, result.stderr
    assert str(db) in result.stderr and "root:" in result.stderr and "-rw-------" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_a_public_address_without_the_flag(cli) -> None:
    result = cli("serve", "--host", "0.0.0.0")
    assert result.returncode == 2 and "--public" in result.stderr
