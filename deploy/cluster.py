"""Several app instances behind nginx on a shared PostgreSQL and Redis, on this machine.

``make cluster`` runs this file: it creates a fresh PostgreSQL database, migrates it,
collects the static files, starts ``--instances`` gunicorn instances
(``deploy/gunicorn.conf.py``) with ``REDIS_URL`` set, and nginx in front of them
(``deploy/nginx.conf.template``, round robin, static files served by nginx), prints
the address and keeps everything running until it is stopped (Ctrl-C or SIGTERM).
``--state FILE`` writes the address and the process ids as JSON, for ``make soak``.

The cluster tests (``tests/cluster/``) and the soak use the ``Cluster`` class. Every
process it starts is in a process group of its own and is stopped by that id.
nginx runs from its Debian package with its own configuration, pid and logs in the
work directory, never as the system service.
"""
import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
POSTGRES = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("CLUSTER_REDIS", "redis://127.0.0.1:6379/1")


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_services(postgres=POSTGRES, redis=REDIS):
    """Return what the cluster needs and this machine lacks (nginx, Redis, PostgreSQL), as words."""
    missing = []
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx (apt-get install nginx)")
    host, port = redis.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                missing.append(f"Redis at {host}:{port} (no PONG)")
    except OSError:
        missing.append(f"Redis at {host}:{port}")
    try:
        import psycopg

        psycopg.connect(f"{postgres}/postgres", connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means the same: not usable
        missing.append(f"PostgreSQL at {postgres} ({type(error).__name__})")
    return missing


def nginx_binary():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def render_nginx(*, listen, upstreams, static_root, run_dir, worker_processes=1, server_name="_", user=None):
    """Return the nginx configuration for these instances (``host:port`` strings).

    The workers run as ``user`` (default: whoever runs this), so that they can read the static files and
    write the temp paths in this cluster's work directory, which is private to that user. (Without the
    directive nginx started as root runs its workers as nobody, who got 403 for every static file.)
    """
    user = user or pwd.getpwuid(os.geteuid()).pw_name
    servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=10s;" for address in upstreams)
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "WORKER_PROCESSES": worker_processes, "RUN_DIR": run_dir, "UPSTREAM_SERVERS": servers,
        "LISTEN": listen, "SERVER_NAME": server_name, "STATIC_ROOT": static_root, "USER": user,
    }.items():
        text = text.replace(f"@@{name}@@", str(value))
    if "@@" in text:
        raise ValueError("a placeholder of the nginx template was left unfilled")
    return text


def wait_for(url, *, seconds=60, process=None):
    """Wait until ``url`` answers (any HTTP status); raise if it does not, or the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


class Cluster:
    """A fresh database, ``instances`` gunicorn instances and nginx in front of them."""

    def __init__(self, work_dir, *, port=None, instances=2, workers=2, database="cluster", env=None,
                 postgres=POSTGRES, redis=REDIS, python=sys.executable):
        self.work = Path(work_dir)
        self.port = port or free_port()
        self.instance_ports = [free_port() for _ in range(instances)]
        self.workers = workers
        self.database = database
        self.postgres = postgres
        self.python = python
        self.static_root = self.work / "static"
        self.run_dir = self.work / "nginx"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # One key for every instance: a session or CSRF token made by one is good on the others.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": f"{postgres}/{database}",
            "REDIS_URL": redis,
            # Keys of this run only, so that two runs on one Redis never see each other's.
            "CACHE_KEY_PREFIX": f"cluster-{secrets.token_hex(4)}",
            "STATIC_ROOT": str(self.static_root),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            **(env or {}),
        }
        self.instances = {}  # port -> Popen
        self.nginx = None

    @property
    def address(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self):
        return self.run_dir / "nginx-access.log"

    def manage(self, *args, env=None):
        """Run ``manage.py`` with the instances' settings (and ``env`` on top); return the completed process."""
        return subprocess.run([self.python, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                              check=True, capture_output=True, text=True)

    def prepare(self):
        """Create the database afresh, migrate it (which loads the content) and collect the static files."""
        import psycopg

        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def start_instance(self, port):
        log = open(self.work / f"gunicorn-{port}.log", "ab")  # noqa: SIM115 - the process keeps it
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(self.workers),
               "GUNICORN_PROC_NAME": f"sfz-app-{port}"}
        process = subprocess.Popen([self.python, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], cwd=ROOT, env=env,
                                   stdout=log, stderr=log, start_new_session=True)
        self.instances[port] = process
        wait_for(f"http://127.0.0.1:{port}/robots.txt", process=process)
        return process

    def start(self):
        """Start the instances, then nginx; return once nginx answers."""
        self.work.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(exist_ok=True)
        for port in self.instance_ports:
            self.start_instance(port)
        with socket.socket() as probe:  # nginx would retry for a while, and another server could answer
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError:
                raise RuntimeError(f"port {self.port} is already in use") from None
        config = self.run_dir / "nginx.conf"
        config.write_text(render_nginx(
            listen=f"127.0.0.1:{self.port}", upstreams=[f"127.0.0.1:{p}" for p in self.instance_ports],
            static_root=self.static_root, run_dir=self.run_dir), encoding="utf-8")
        command = [nginx_binary(), "-p", str(self.run_dir), "-c", str(config),
                   "-e", str(self.run_dir / "nginx-error.log")]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.nginx = subprocess.Popen([*command, "-g", "daemon off;"], start_new_session=True)
        wait_for(f"{self.address}/robots.txt", process=self.nginx)
        return self

    def kill_instance(self, port):
        """Kill one instance at once (SIGKILL to its process group), as a crash would."""
        process = self.instances.pop(port)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self):
        """Stop nginx and every instance this cluster started."""
        processes = ([self.nginx] if self.nginx else []) + list(self.instances.values())
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.instances.clear()
        self.nginx = None

    def state(self):
        return {"address": self.address, "database": self.database, "pid": os.getpid(), "nginx_pid": self.nginx.pid,
                "instances": [{"port": port, "pid": process.pid} for port, process in self.instances.items()],
                "access_log": str(self.access_log)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8780")))
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--database", default=os.environ.get("CLUSTER_DATABASE", "cluster"))
    parser.add_argument("--work-dir", help="where logs, static files and nginx's files go (default: a temp dir)")
    parser.add_argument("--state", help="write the address and process ids here as JSON once running")
    args = parser.parse_args()
    missing = missing_services()
    if missing:
        raise SystemExit("cluster: missing " + "; ".join(missing))
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="cluster."))
    cluster = Cluster(work, port=args.port, instances=args.instances, workers=args.workers, database=args.database)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        print(f"cluster: preparing database {args.database} (migrate, collectstatic)", flush=True)
        cluster.prepare()
        cluster.start()
        if args.state:
            Path(args.state).write_text(json.dumps(cluster.state(), indent=1), encoding="utf-8")
        ports = ", ".join(f"127.0.0.1:{port}" for port in cluster.instances)
        print(f"cluster: {cluster.address}/  (nginx, round robin over {ports}; PostgreSQL database "
              f"{args.database}; Redis {REDIS}; logs in {work})", flush=True)
        print("cluster: Ctrl-C stops it", flush=True)
        while not stopping:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
        print("cluster: stopped", flush=True)


if __name__ == "__main__":
    main()
