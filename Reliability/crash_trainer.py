#!/usr/bin/env python3
"""Retrain command for Reliability/crash.py (docs/retrain.md): a stand-in trainer whose outcome is
random but reproducible per (seed, monitor, episode, attempt).

    crash_trainer.py INVOCATION_LOG SEED

Before anything else it appends one JSON line to INVOCATION_LOG (`"event": "start"` with the
monitor, DRIFTD_EPISODE, DRIFTD_ATTEMPT, its pid and its parent's pid), so every command driftd
started is on record even if the daemon is killed right away. Then it counts the lines of
$DRIFTD_DATA, sleeps 0.2 to 3 s, and either fails (exit 1), or leaves a worse candidate
(rmse 50) or a winning one (rmse 0.1 to 0.4) in $DRIFTD_WORKDIR: model.json and metrics.json,
each written through a temporary file and a rename. It ends with an `"event": "end"` line saying
what it did and whether its workdir still existed (a command orphaned by a `kill -9` of the daemon
finds it removed once a restarted daemon has settled the attempt).
"""
import json, os, random, sys, time


def record(log, **entry):
    entry["time"] = time.time()
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode())
    finally:
        os.close(fd)


def main(argv):
    log, seed = argv[0], argv[1]
    monitor = os.environ.get("DRIFTD_MONITOR", "?")
    episode, attempt = int(os.environ.get("DRIFTD_EPISODE", "0")), int(os.environ.get("DRIFTD_ATTEMPT", "0"))
    who = {"monitor": monitor, "episode": episode, "attempt": attempt, "pid": os.getpid(), "ppid": os.getppid()}
    record(log, event="start", **who)
    workdir, data = os.environ.get("DRIFTD_WORKDIR", ""), os.environ.get("DRIFTD_DATA", "")
    try:
        with open(data, "rb") as f:
            data_lines = sum(1 for _ in f)
    except OSError:
        data_lines = None
    rng = random.Random(f"{seed}/{monitor}/{episode}/{attempt}")
    time.sleep(rng.uniform(0.2, 3.0))
    outcome = rng.choices(["fail", "worse", "win"], weights=[3, 3, 4])[0]
    if outcome == "fail":
        record(log, event="end", outcome="fail", data_lines=data_lines, workdir_existed=os.path.isdir(workdir), **who)
        print("crash_trainer: failing on purpose", file=sys.stderr)
        return 1
    rmse = 50.0 if outcome == "worse" else round(rng.uniform(0.1, 0.4), 4)
    wrote = True
    try:
        for name, document in (("model.json", {"kind": "constant", "value": 0.0}), ("metrics.json", {"rmse": rmse, "mae": rmse})):
            path = os.path.join(workdir, name)
            with open(path + ".tmp", "w") as f:
                json.dump(document, f)
            os.replace(path + ".tmp", path)
    except OSError:
        wrote = False
    record(log, event="end", outcome=outcome, rmse=rmse, wrote=wrote, data_lines=data_lines, workdir_existed=os.path.isdir(workdir), **who)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
