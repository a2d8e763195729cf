"""A PostgreSQL primary and a streaming hot-standby replica of it, private to a test run.

Both are started from this machine's PostgreSQL binaries in a temporary folder, on free ports:
`initdb` makes the primary (trust on 127.0.0.1, replication allowed), `pg_basebackup -R`
copies it into a standby that follows the primary's WAL stream. Nothing of the machine's own
server is touched. PostgreSQL refuses to run as root, so as root the servers run as the
`postgres` user. Anything that stops this from working is a `ReplicaUnavailable` naming the
step and its output: a test that needs a replica fails with the reason, never skips.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from core.testing.redis import free_port


class ReplicaUnavailable(Exception):
    """A step of starting the primary or its replica failed; the message says which and why."""


def postgres_bin() -> Path:
    """The folder holding initdb, pg_ctl and pg_basebackup (Debian keeps them off the PATH)."""
    found = shutil.which("pg_basebackup")
    candidates = [*sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True),
                  *([found] if found else [])]
    for candidate in candidates:
        folder = Path(candidate).parent
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup", "psql")):
            return folder
    raise ReplicaUnavailable("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) on this machine")


@dataclass
class ReplicaPair:
    root: Path
    primary_port: int
    replica_port: int
    bin: Path

    def _run(self, step: str, *command: str, timeout: float = 60) -> str:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise ReplicaUnavailable(f"{step} failed: {(result.stderr or result.stdout).strip()[-400:]}")
        return result.stdout

    def _server(self, data: Path, port: int) -> None:
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                       "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n")

    def start(self) -> ReplicaPair:
        primary, replica = self.root / "primary", self.root / "replica"
        self._run("initdb", str(self.bin / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
        self._server(primary, self.primary_port)
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
        self._run("starting the primary", str(self.bin / "pg_ctl"), "-D", str(primary), "-l",
                  str(self.root / "primary.log"), "-w", "start")
        self._run("pg_basebackup", str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                  "-U", "postgres", "-D", str(replica), "-R", "-X", "stream")
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.replica_port}\n")
        self.start_replica()
        return self

    def start_replica(self) -> None:
        self._run("starting the replica", str(self.bin / "pg_ctl"), "-D", str(self.root / "replica"), "-l",
                  str(self.root / "replica.log"), "-w", "start")
        out = self._run("asking the replica", str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.replica_port),
                        "-U", "postgres", "-tAc", "SELECT pg_is_in_recovery()")
        if out.strip() != "t":
            raise ReplicaUnavailable(f"the replica on port {self.replica_port} is not in recovery: {out.strip()}")

    def stop_replica(self) -> None:
        self._run("stopping the replica", str(self.bin / "pg_ctl"), "-D", str(self.root / "replica"), "-m", "fast",
                  "-w", "stop")

    def sql(self, statement: str, *, replica: bool = False, database: str = "postgres") -> str:
        port = self.replica_port if replica else self.primary_port
        return self._run("psql", str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                         "-d", database, "-tAc", statement).strip()

    def wait_replayed(self, timeout: float = 10) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.sql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", replica=True) != "t":
            if time.monotonic() > deadline:
                raise ReplicaUnavailable(f"the replica did not catch up with {target} in {timeout:g}s")
            time.sleep(0.05)

    def stop(self) -> None:
        for data in ("replica", "primary"):
            if (self.root / data / "postmaster.pid").exists():
                subprocess.run([*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                                str(self.bin / "pg_ctl"), "-D", str(self.root / data), "-m", "immediate", "stop"],
                               capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_replica_pair() -> ReplicaPair:
    """A running primary and replica; call `stop()` when done (their folder is removed)."""
    root = Path(tempfile.mkdtemp(prefix="nori-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    pair = ReplicaPair(root, free_port(), free_port(), postgres_bin())
    try:
        return pair.start()
    except ReplicaUnavailable as error:
        logs = "".join(f"\n{log.name}: {log.read_text()[-300:]}" for log in root.glob("*.log"))
        pair.stop()
        raise ReplicaUnavailable(f"{error}{logs}") from None
    except BaseException:
        pair.stop()
        raise
