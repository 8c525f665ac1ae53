"""A throwaway PostgreSQL cluster for the test suite.

The rule: PostgreSQL tests run against a real server that nobody else uses and that leaves nothing
behind. We ``initdb`` a fresh cluster into a temporary directory, start it on a free port bound to
127.0.0.1 (plus a unix socket inside the same directory), create a database, hand out a SQLAlchemy
URL, and on exit stop it with ``pg_ctl stop -m immediate`` and delete the directory -- also when the
tests failed. Durability is switched off (``fsync``, ``synchronous_commit``, ``full_page_writes``)
because a test cluster is discarded anyway; this is the usual practice for CI databases and makes
startup and writes several times faster.

Practical details from Debian: the server binaries live in ``/usr/lib/postgresql/<major>/bin`` and are
not on ``PATH``; ``initdb`` refuses to run as root, so when we are root the cluster is created and run
as the ``postgres`` system user (or ``nobody``) with the directory handed over to that user.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

DEFAULT_DBNAME = "competitions_test"
SUPERUSER = "postgres"
_REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
_DEBIAN_ROOT = Path("/usr/lib/postgresql")
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_START_ATTEMPTS = 3
_LOG_TAIL_LINES = 60
# --no-sync: a throwaway cluster need not be flushed to disk.
_INITDB_FLAGS = ("-A", "trust", "-E", "UTF8", "-U", SUPERUSER, "--no-sync")
_WAIT = ("-w", "-t", "60")

# Written into postgresql.conf rather than passed with ``pg_ctl -o``: pg_ctl hands -o to a shell,
# and a temp path with unusual characters would need quoting there.
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "error",
    "timezone": "'UTC'",
}


class ClusterError(RuntimeError):
    """The throwaway cluster could not be created or started; the message carries the server log."""


@dataclass(frozen=True)
class _RunAs:
    """The unprivileged account that owns and runs the cluster when the tests run as root."""

    name: str
    uid: int
    gid: int


def _has_server_binaries(bindir: Path) -> bool:
    """Tell whether ``bindir`` holds initdb, pg_ctl and postgres as executables."""
    return all(os.access(bindir / name, os.X_OK) for name in _REQUIRED_BINARIES)


def _version_key(path: Path) -> tuple[int, ...]:
    """Order Debian's ``/usr/lib/postgresql/<version>`` directories numerically (9.6 < 15 < 16)."""
    try:
        return tuple(int(part) for part in path.name.split("."))
    except ValueError:
        return (-1,)


def _debian_bindirs() -> list[Path]:
    """List Debian's versioned server bin directories, highest version first."""
    if not _DEBIAN_ROOT.is_dir():
        return []
    versions = sorted(_DEBIAN_ROOT.iterdir(), key=_version_key, reverse=True)
    return [version / "bin" for version in versions]


def _pg_config_bindir() -> Path | None:
    """Ask ``pg_config --bindir`` where the binaries are, if pg_config exists and answers."""
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        result = subprocess.run(
            [pg_config, "--bindir"], check=False, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def _path_bindir() -> Path | None:
    """Use the directory of ``initdb`` found on PATH (resolving symlinks such as /usr/local/bin)."""
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def find_pg_bindir() -> Path | None:
    """Find a directory with initdb, pg_ctl and postgres, or None.

    Order: ``PGTEST_BINDIR`` if set, then Debian's ``/usr/lib/postgresql/*/bin`` (highest version),
    then ``pg_config --bindir``, then PATH. Each candidate must hold all three binaries, so a stray
    wrapper named ``pg_ctl`` elsewhere cannot be picked up alone.
    """
    override = os.environ.get("PGTEST_BINDIR")
    candidates = [Path(override)] if override else []
    candidates += _debian_bindirs()
    candidates += [found for found in (_pg_config_bindir(), _path_bindir()) if found is not None]
    return next((bindir for bindir in candidates if _has_server_binaries(bindir)), None)


def _unprivileged_account() -> _RunAs | None:
    """Pick the account to run the server as when we are root: ``postgres``, else ``nobody``."""
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _RunAs(name=name, uid=entry.pw_uid, gid=entry.pw_gid)
    return None


def pg_available() -> tuple[bool, str]:
    """Tell whether a throwaway cluster can be started here, and if not, why (for skip/fail messages)."""
    if importlib.util.find_spec("psycopg") is None:
        return False, "the psycopg package is not installed in this virtualenv (pip install psycopg)"
    bindir = find_pg_bindir()
    if bindir is None:
        return False, (
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found in /usr/lib/postgresql/*/bin, "
            "pg_config --bindir or PATH; install Debian's postgresql-15 (scripts/system-deps.sh)"
        )
    if os.geteuid() == 0 and _unprivileged_account() is None:
        return False, "running as root and neither a 'postgres' nor a 'nobody' account exists for initdb"
    return True, f"PostgreSQL binaries in {bindir}"


def _free_port() -> int:
    """Ask the kernel for a currently free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _traversable_by_others(path: Path) -> bool:
    """Tell whether every ancestor of ``path`` lets another user pass through (o+x)."""
    return all(os.stat(part).st_mode & 0o001 for part in [path, *path.parents])


def _make_cluster_dir(run_as: _RunAs | None) -> Path:
    """Create the private temp directory, owned by the account that will run the server."""
    base = Path(tempfile.gettempdir()).resolve()
    if run_as is not None and not _traversable_by_others(base):
        # e.g. TMPDIR under /root: the postgres user could not reach its own data directory.
        base = Path("/tmp")
    directory = Path(tempfile.mkdtemp(prefix="pgtest-", dir=base))
    if run_as is not None:
        os.chown(directory, run_as.uid, run_as.gid)
    return directory


def _server_environment(home: Path) -> dict[str, str]:
    """Build a clean environment: inherited PG*/LC_* variables must not redirect or re-locale the server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "LC_"))}
    env.update(LANG="C", HOME=str(home))
    return env


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of a log file, or a note that it is missing."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


class ThrowawayCluster:
    """A private PostgreSQL cluster in a temp dir, started on enter and destroyed on exit.

    Usage::

        with ThrowawayCluster() as cluster:
            engine = sqlalchemy.create_engine(cluster.url)
            other_url = cluster.create_database("second")
    """

    def __init__(self, dbname: str = DEFAULT_DBNAME, bindir: Path | None = None) -> None:
        """Prepare (but do not start) a cluster that will hold the database ``dbname``."""
        self.dbname = _checked_name(dbname)
        self.bindir = bindir
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.directory: Path | None = None
        self.start_seconds: float | None = None
        self._run_as = _unprivileged_account() if os.geteuid() == 0 else None
        self._running = False

    # -- paths -----------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory (PGDATA)."""
        return self._dir() / "data"

    @property
    def log_file(self) -> Path:
        """The server log, quoted in ClusterError messages when startup fails."""
        return self._dir() / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        """Directory holding the unix socket (``.s.PGSQL.<port>``)."""
        return self._dir()

    def _dir(self) -> Path:
        """Return the temp directory, insisting that the cluster has been created."""
        if self.directory is None:
            raise ClusterError("The cluster has not been started.")
        return self.directory

    # -- URLs ------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of the cluster's default test database."""
        return self.url_for(self.dbname)

    def url_for(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of ``dbname`` on this cluster, over TCP to 127.0.0.1."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{_checked_name(dbname)}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string over the unix socket, for psycopg.connect() or psql."""
        return f"host={self.socket_dir} port={self.port} user={SUPERUSER} dbname={_checked_name(dbname)}"

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        """Start the cluster; if anything fails, clean up before raising."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the cluster and delete its directory, whatever happened in the block."""
        self.stop()

    def start(self) -> None:
        """initdb, configure and start the server, then create the default database."""
        began = time.perf_counter()
        bindir = self.bindir or find_pg_bindir()
        if bindir is None:
            raise ClusterError(pg_available()[1])
        self.bindir = bindir
        self.directory = _make_cluster_dir(self._run_as)
        atexit.register(self.stop)
        try:
            self._initdb()
            self._write_settings()
            self._start_server()
            self.create_database(self.dbname)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - began

    def stop(self) -> None:
        """Stop the server immediately (no checkpoint: the data is thrown away) and remove the dir."""
        atexit.unregister(self.stop)
        if self.directory is None:
            return
        if self._running:
            self._stop_server()
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a server binary, as the unprivileged account when we are root."""
        command = [str(self.bindir / str(args[0])), *map(str, args[1:])]
        privileges: dict[str, object] = {}
        if self._run_as is not None:
            privileges = {"user": self._run_as.uid, "group": self._run_as.gid, "extra_groups": []}
        return subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.directory,
            env=_server_environment(self._dir()),
            **privileges,
        )

    def _initdb(self) -> None:
        """Create the cluster, preferring the C.UTF-8 locale and falling back to plain C."""
        failures = []
        for locale in ("C.UTF-8", "C"):
            result = self._run("initdb", *_INITDB_FLAGS, f"--locale={locale}", "-D", self.data_dir)
            if result.returncode == 0:
                return
            failures.append(f"--locale={locale}: exit {result.returncode}\n{result.stdout}{result.stderr}")
            shutil.rmtree(self.data_dir, ignore_errors=True)
        raise ClusterError("initdb failed:\n" + "\n".join(failures))

    def _write_settings(self) -> None:
        """Append the test settings to postgresql.conf (later lines win over initdb's defaults)."""
        settings = dict(_SERVER_SETTINGS, unix_socket_directories=f"'{self.socket_dir}'")
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# throwaway test cluster (tests/support/postgres.py)\n" + lines)

    def _start_server(self) -> None:
        """Start on a free port, retrying with a new port if another process grabbed it meanwhile."""
        for attempt in range(1, _START_ATTEMPTS + 1):
            self.port = _free_port()
            port_option = f"-p {self.port}"
            result = self._run(
                "pg_ctl", "-D", self.data_dir, "-l", self.log_file, *_WAIT, "-o", port_option, "start"
            )
            if result.returncode == 0:
                self._running = True
                return
            log = _tail(self.log_file)
            if "could not bind" not in log or attempt == _START_ATTEMPTS:
                raise ClusterError(
                    f"pg_ctl start failed (exit {result.returncode}) on port {self.port}.\n"
                    f"pg_ctl output:\n{result.stdout}{result.stderr}\n"
                    f"server log {self.log_file}:\n{log}"
                )

    def _stop_server(self) -> None:
        """pg_ctl stop -m immediate; if that fails, kill the postmaster named in postmaster.pid."""
        pid = _postmaster_pid(self.data_dir)
        try:
            result = self._run("pg_ctl", "-D", self.data_dir, "-m", "immediate", *_WAIT, "stop")
            stopped = result.returncode == 0
        except (OSError, subprocess.SubprocessError):
            stopped = False
        if not stopped and pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._running = False

    # -- databases -------------------------------------------------------------------------------

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (optionally copied from ``template``) and return its SQLAlchemy URL."""
        statement = "CREATE DATABASE {}" + (" TEMPLATE {}" if template else "")
        names = [_checked_name(name)] + ([_checked_name(template)] if template else [])
        self._execute_autocommit(statement, names)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, disconnecting any sessions still attached to it."""
        self._execute_autocommit("DROP DATABASE IF EXISTS {} WITH (FORCE)", [_checked_name(name)])

    def _execute_autocommit(self, statement: str, identifiers: list[str]) -> None:
        """Run one utility statement outside a transaction (CREATE/DROP DATABASE require that)."""
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(*(sql.Identifier(name) for name in identifiers))
        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=10) as connection:
            connection.execute(query)


def _checked_name(name: str) -> str:
    """Accept only plain identifiers as database names, so they are safe in URLs and SQL alike."""
    if not _DB_NAME.match(name):
        raise ValueError(f"Not a plain database name: {name!r}")
    return name


def _postmaster_pid(data_dir: Path) -> int | None:
    """Read the postmaster's pid from the first line of postmaster.pid, if the file exists."""
    try:
        return int((data_dir / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
