"""A throwaway PostgreSQL server from the system binaries, on a free loopback port.

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user in a
directory that user owns. Each test gets its own database cloned from a migrated template.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid

import psycopg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin_dir() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if candidates:
        return os.path.dirname(candidates[-1])
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(os.path.realpath(found))
    raise RuntimeError("PostgreSQL server binaries not found: run `make test` (installs postgresql)")


class PostgresServer:
    def __init__(self):
        self.bin = _bin_dir()
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="accord-pg-")
        self.data = os.path.join(self.root, "data")
        self.as_root = os.geteuid() == 0
        self._spare: list[tuple[str, str]] = []  # (template, database) made ahead of time
        self._emptied: list[str] = []  # copies of the template a test used, emptied for the next test
        self._shape: tuple | None = None  # the template's tables and enabled triggers
        self._spare_thread: threading.Thread | None = None

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "PostgresServer":
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self._run(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
                   # no vacuum: rows a test inserts into a reused database go after the deleted ones, in order,
                   # as in a fresh copy (a vacuum would let them fill the freed space in any order)
                   "-c autovacuum=off")
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-o", options, "-l",
                  os.path.join(self.root, "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def clone(self, template: str) -> str:
        """A fresh copy of `template`; the next copy is made in the background while a test runs."""
        name = None
        if self._spare_thread is not None:
            self._spare_thread.join()
            if self._spare and self._spare[-1][0] == template:
                name = self._spare.pop()[1]
        name = name or self.create_database(template=template)
        self._spare_thread = threading.Thread(
            target=lambda: self._spare.append((template, self.create_database(template=template))), daemon=True)
        self._spare_thread.start()
        return name

    def checkout(self, template: str) -> str:
        """A database in the template's state for one test: an emptied one if there is one, else a copy.

        Copying the template costs most of a second of the server's time (it is written out whole);
        emptying a used copy costs about a tenth of a second.
        """
        if self._shape is None:
            self._shape = self._shape_of(template)
        return self._emptied.pop() if self._emptied else self.clone(template)

    def checkin(self, name: str) -> None:
        """Empty a database a test has finished with for the next test, or drop it if it cannot be."""
        if self._empty(name):
            self._emptied.append(name)
        else:
            self.drop_database(name)

    def _connect(self, database: str):
        return psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}",
                               autocommit=True)

    def _shape_of(self, database: str) -> tuple:
        with self._connect(database) as conn:
            tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "ORDER BY tablename").fetchall()
            triggers = conn.execute("SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
                                    "WHERE NOT tgisinternal ORDER BY 1, 2").fetchall()
        return tuple(t[0] for t in tables), tuple(triggers)

    def _empty(self, name: str) -> bool:
        """Delete every row but Alembic's (identities restarted), when the test left the schema as
        it found it: a test that disabled or dropped a guard trigger, or changed tables, gets a new copy."""
        try:
            if self._shape_of(name) != self._shape:
                return False
            tables = [t for t in self._shape[0] if t != "alembic_version"]
            with self._connect(name) as conn:
                sequences = [row[0] for row in conn.execute(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'").fetchall()]
                # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE remakes every table's files.
                # In replica mode neither the append-only guards nor the foreign key checks fire.
                statements = ["SET lock_timeout = '5s'", "SET session_replication_role = replica",
                              *(f'DELETE FROM "{t}"' for t in tables),
                              *(f'ALTER SEQUENCE "{q}" RESTART' for q in sequences)]
                with conn.transaction():
                    conn.execute("; ".join(statements))
            return True
        except psycopg.Error:
            return False

    def finish_background_work(self) -> None:
        if self._spare_thread is not None:
            self._spare_thread.join()
