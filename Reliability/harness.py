"""Shared parts of the reliability runs (RELIABILITY.md, `make reliability`): the daemon as a real
process, its stored results, `replay` on the same lines, and a read-only look at its state database.

Standard library only: the runs use the system python3 and the built `driftd` binary.
"""
import contextlib, json, os, signal, socket, sqlite3, subprocess, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workdir(name):
    """A fresh temporary folder for one run (kept when KEEP is set in the environment)."""
    return tempfile.mkdtemp(prefix=f"driftd-reliability-{name}-")


def cleanup(folder):
    if os.environ.get("KEEP") is None:
        subprocess.run(["rm", "-rf", folder])
    else:
        print(f"kept {folder}")


def wait(condition, timeout, interval=0.05):
    """Polls `condition` until it is true or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class Daemon:
    """`driftd run` as a child process with its own port; its standard error goes to `log` (appended)."""

    def __init__(self, binary, rules, state, log, extra=(), env=None):
        self.binary, self.rules, self.state, self.log_path = binary, rules, state, log
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "run", "--rules", rules, "--state", state, "--listen", f"127.0.0.1:{self.port}", *extra],
            stderr=open(log, "a"), stdout=subprocess.DEVNULL, env=env, start_new_session=True)

    @property
    def pid(self):
        return self.process.pid

    def status(self):
        """The daemon's /status, or None while it does not answer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=2) as response:
                return json.load(response)
        except (OSError, ValueError):
            return None

    def wait_ready(self, timeout=60):
        return wait(lambda: self.status() is not None or self.process.poll() is not None, timeout) and self.process.poll() is None

    def kill9(self):
        """SIGKILL to the daemon alone (retrain children live in their own process groups and are left
        as a crash leaves them)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout=60):
        """SIGTERM, then the exit status (SIGKILL after `timeout` seconds)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.process.returncode

    def rss_kib(self, field="VmRSS"):
        with open(f"/proc/{self.pid}/status") as f:
            return int(next(line for line in f if line.startswith(field)).split()[1])

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def stored_report(binary, state, monitor):
    """What the daemon stored for `monitor`, as `driftd report --json` writes it (None if it fails)."""
    result = subprocess.run([binary, "report", "--monitor", monitor, "--state", state, "--json", "-"], capture_output=True, text=True)
    return json.loads(result.stdout) if result.returncode == 0 else None


def replay_report(binary, rule_path):
    """`driftd replay RULE --report -` on the files the rule names."""
    result = subprocess.run([binary, "replay", rule_path, "--report", "-", "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"replay failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)


def differences(expected, actual, path="report", out=None, limit=10):
    """Paths where two JSON values differ (at most `limit`), ignoring the `malformed` list's file names."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key == "malformed" and path == "report":
                continue
            if key not in expected or key not in actual:
                out.append(f"{path}.{key}: only in {'actual' if key in actual else 'expected'}")
            else:
                differences(expected[key], actual[key], f"{path}.{key}", out, limit)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} items expected, {len(actual)} stored")
        for i, (e, a) in enumerate(zip(expected, actual)):
            differences(e, a, f"{path}[{i}]", out, limit)
    elif expected != actual:
        out.append(f"{path}: expected {json.dumps(expected)[:120]}, stored {json.dumps(actual)[:120]}")
    return out


@contextlib.contextmanager
def database(state):
    """The daemon's state database, read-only (safe while the daemon runs: SQLite WAL)."""
    connection = sqlite3.connect(f"file:{os.path.join(state, 'driftd.sqlite')}?mode=ro", uri=True, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def query(state, sql, *parameters):
    with database(state) as db:
        return db.execute(sql, parameters).fetchall()


def write_rule(folder, rule):
    """Writes a rule as FOLDER/<monitor>.json and returns its path."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{rule['monitor']}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(rule, f, indent=1)
    os.rename(path + ".tmp", path)
    return path


def result_line(name, figures, ok):
    """Prints and returns the one line a run reports (RELIABILITY.md copies it)."""
    line = f"{name}: {'PASS' if ok else 'FAIL'}: " + ", ".join(f"{key} {value}" for key, value in figures.items())
    print(line, flush=True)
    return line
