"""The Slurm templates of scripts/slurm/, run as a Slurm node would run them, without Slurm.

Slurm is not installed here: each batch script is executed directly, as slurmstepd executes it
(#SBATCH lines are comments to bash), with the SLURM_* variables an allocation of one node, 2
tasks of 1 CPU sets (under which Open MPI's mpirun takes its slots from SLURM_TASKS_PER_NODE and
SLURM_NODELIST, as in a real job). Stand-ins for `scontrol` and `sbatch`, first on PATH, only
record their arguments (and sbatch prints a job id): what is checked is that the scripts call them
as they should, not Slurm itself.

  sweep   sweep.sbatch under mpirun equals a one-process run of the same sweep bit for bit; a
          SIGUSR1 to the batch shell mid-run stops it (exit 3) with `scontrol requeue JOBID`
          called, and running the script again (the requeued job) resumes and equals the
          one-process run.
  array   three array.sbatch tasks and merge.sbatch equal the one-process run; a task stopped by
          SIGUSR1 requeues itself and resumes; merge.sbatch refuses missing parts; a complete
          part is not run again; array indices other than 0..N-1 are refused.
  submit  submit-array --dry-run prints the two sbatch commands, the merge depending on the array
          (afterok), and runs no sbatch; what it prints runs as a script; without --dry-run it
          submits the array, reads its id (--parsable) and submits the merge depending on it.

Usage: test_slurm.py sweep|array|submit AIMSIM"""
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import h5py

MODE, AIMSIM = sys.argv[1], os.path.abspath(sys.argv[2])
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(SRC, "scripts", "slurm")
COMPARE = os.path.join(SRC, "tests", "test_cli_compare.py")
tmp = tempfile.mkdtemp(prefix="aimsim-slurm-")
fake = os.path.join(tmp, "fakebin")
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


# Stand-ins, not Slurm: scontrol only records its arguments; sbatch records them and prints the
# next job id, with a cluster name as --parsable does on a multi-cluster system.
os.mkdir(fake)
write(os.path.join(fake, "scontrol"), f'#!/bin/sh\necho "$*" >> {tmp}/scontrol.calls\n', 0o755)
write(os.path.join(fake, "sbatch"),
      f'#!/bin/sh\necho "$*" >> {tmp}/sbatch.calls\n'
      f'n=$(wc -l < {tmp}/sbatch.calls)\necho "$((7000 + n));cluster1"\n', 0o755)

with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    SEED = f.read()


def sweep_file(name, counts):
    path = os.path.join(tmp, name)
    write(path, SEED + "\nsweep:\n  design: grid\n  factors:\n    - {key: deals.kappa, values: [2, 4]}\n"
          f"    - {{key: investors.count, values: [{counts}]}}\n")
    return name


# A small sweep (4 points x 3 replicas x 24 months), and one long enough to be stopped midway
# (4 points x 4 replicas x 120 months, 20000 and 40000 investors: about 5 s on one core).
SMALL = sweep_file("small.yaml", "500, 2000")
SMALL_ARGS = ["--replicas", "3", "--steps", "24"]
LONG = sweep_file("long.yaml", "20000, 40000")
LONG_ARGS = ["--replicas", "4", "--steps", "120"]
LONG_UNITS = 16


def slurm_env(job_id, **extra):
    """The variables a batch job of 1 node x 2 tasks x 1 CPU sees (sbatch -N1 --ntasks-per-node=2 -c1)."""
    host = socket.gethostname()
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("SLURM_") or k.startswith("OMPI_") or k.startswith("PMIX_"):
            del env[k]
    env.update({
        "PATH": fake + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
        "AIMSIM": AIMSIM,
        # Open MPI refuses to run as root without these (containers, CI).
        "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
        "SLURM_JOB_ID": str(job_id), "SLURM_JOBID": str(job_id), "SLURM_JOB_NAME": "aimsim-test",
        "SLURM_SUBMIT_DIR": tmp, "SLURM_SUBMIT_HOST": host, "SLURM_CLUSTER_NAME": "cluster1",
        "SLURM_JOB_NODELIST": host, "SLURM_NODELIST": host, "SLURM_NNODES": "1", "SLURM_JOB_NUM_NODES": "1",
        "SLURM_NTASKS": "2", "SLURM_NPROCS": "2", "SLURM_NTASKS_PER_NODE": "2", "SLURM_TASKS_PER_NODE": "2",
        "SLURM_CPUS_PER_TASK": "1", "SLURM_JOB_CPUS_PER_NODE": "2", "SLURM_CPUS_ON_NODE": "2",
        "SLURM_NODEID": "0", "SLURM_PROCID": "0", "SLURM_LOCALID": "0", "SLURM_TOPOLOGY_ADDR": host,
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def array_env(array_job, task, count=3, restart=0, **extra):
    """A task of sbatch --array=0-(count-1) -c1: one task, its own job id."""
    env = slurm_env(array_job + task, **{
        "SLURM_ARRAY_JOB_ID": array_job, "SLURM_ARRAY_TASK_ID": task, "SLURM_ARRAY_TASK_COUNT": count,
        "SLURM_ARRAY_TASK_MIN": 0, "SLURM_ARRAY_TASK_MAX": count - 1, "SLURM_ARRAY_TASK_STEP": 1,
        "SLURM_NTASKS": 1, "SLURM_NPROCS": 1, "SLURM_TASKS_PER_NODE": 1, "SLURM_JOB_CPUS_PER_NODE": 1,
        "SLURM_CPUS_ON_NODE": 1, **extra})
    del env["SLURM_NTASKS_PER_NODE"]
    if restart:
        env["SLURM_RESTART_COUNT"] = str(restart)
    return env


def script(name, args, env, timeout=300):
    """Runs a batch script as slurmstepd does (executed, in the submit directory)."""
    return subprocess.run([os.path.join(SCRIPTS, name)] + args, env=env, cwd=tmp, capture_output=True,
                          text=True, timeout=timeout)


def stop_midway(name, args, env, log, at=" units done"):
    """Starts a batch script, sends SIGUSR1 to its shell once its log shows `at` (by default, once
    a unit is done), returns its exit status."""
    with open(log, "w") as f:
        p = subprocess.Popen([os.path.join(SCRIPTS, name)] + args, env=env, cwd=tmp, stdout=f,
                             stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and at not in read(log):
        time.sleep(0.05)
    p.send_signal(signal.SIGUSR1)
    try:
        return p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        return None


def reference(cfg, args, out):
    r = subprocess.run([AIMSIM, "run", cfg, "-o", out, "--threads", "1", "-q"] + args, cwd=tmp,
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, f"one-process reference run {out}")
    return out


def same(a, b, *extra):
    r = subprocess.run([sys.executable, COMPARE, os.path.join(tmp, a), os.path.join(tmp, b)] + list(extra),
                       capture_output=True, text=True)
    print(r.stdout.strip())
    return r.returncode == 0


def done_units(path):
    with h5py.File(os.path.join(tmp, path), "r") as h:
        return int(h["replica_done"][...].sum())


def show(r):
    print("--- output:\n" + r.stdout + r.stderr + "---", flush=True)


def test_sweep():
    ref = reference(SMALL, SMALL_ARGS, "ref-small.h5")
    r = script("sweep.sbatch", [SMALL, "sweep.h5"] + SMALL_ARGS, slurm_env(4101))
    show(r)
    check(r.returncode == 0, f"sweep.sbatch runs the sweep under mpirun (rc={r.returncode})")
    check("--map-by ppr:2:node:pe=1 --bind-to core" in r.stdout,
          "mpirun places 2 ranks per node with 1 core each (SLURM_NTASKS_PER_NODE, SLURM_CPUS_PER_TASK)")
    check("MCW rank 0 bound" in r.stderr and "MCW rank 1 bound" in r.stderr, "both ranks are bound to cores")
    check(" --threads 1 " in r.stdout and "--resume" not in r.stdout, "--threads from SLURM_CPUS_PER_TASK, no --resume")
    check("-x OMP_NUM_THREADS -x OMP_PLACES -x OMP_PROC_BIND -x HDF5_USE_FILE_LOCKING" in r.stdout,
          "the threads' placement and HDF5_USE_FILE_LOCKING go to the ranks on every node")
    shards = sorted(os.listdir(os.path.join(tmp, "sweep.shards")))
    check(shards == ["a001-r00000.h5", "a001-r00001.h5"], f"two ranks wrote their files: {shards}")
    check(same("sweep.h5", ref), "the mpirun job's sweep.h5 equals the one-process run bit for bit")
    check(read(os.path.join(tmp, "scontrol.calls")) == "", "a finished job does not requeue itself")

    # SIGUSR1 to the batch shell (what --signal=B:USR1@600 sends) mid-run.
    ref = reference(LONG, LONG_ARGS, "ref-long.h5")
    rc = stop_midway("sweep.sbatch", [LONG, "long.h5"] + LONG_ARGS, slurm_env(4102), os.path.join(tmp, "long.log"))
    log = read(os.path.join(tmp, "long.log"))
    print("--- output:\n" + log + "---")
    check(rc == 3, f"SIGUSR1 to the batch shell stops the run with exit status 3 (rc={rc})")
    check("mpirun: Forwarding signal 10 to job" in log, "the trap forwarded SIGUSR1 to mpirun, which forwarded it")
    calls = read(os.path.join(tmp, "scontrol.calls"))
    check(calls == "requeue 4102\n", f"scontrol requeue $SLURM_JOB_ID was called once: {calls!r}")
    n = done_units("long.h5") if os.path.exists(os.path.join(tmp, "long.h5")) else -1
    check(0 < n < LONG_UNITS, f"stopped midway: {n} of {LONG_UNITS} units done")
    check(same("long.h5", ref, "--done-only"), "the units done equal the one-process run's")

    # The requeued job: the same script, SLURM_RESTART_COUNT=1.
    r = script("sweep.sbatch", [LONG, "long.h5"] + LONG_ARGS, slurm_env(4102, SLURM_RESTART_COUNT=1))
    show(r)
    check(r.returncode == 0, f"the requeued job finishes (rc={r.returncode})")
    check(r.stdout.split("\n")[1].endswith(" --resume"), "it found long.shards and added --resume")
    check(f"{LONG_UNITS - n} of {LONG_UNITS} units to run" in r.stderr, "it ran only the units left")
    check(read(os.path.join(tmp, "scontrol.calls")) == "requeue 4102\n", "and did not requeue again")
    check(same("long.h5", ref), "the resumed long.h5 equals the one-process run bit for bit")

    # A signal while the launcher is still starting ends it (status 128 + SIGUSR1): a stand-in
    # launcher that sleeps before running mpirun makes that moment last.
    write(os.path.join(fake, "slow-mpirun"), '#!/bin/sh\necho "slow-mpirun: sleeping"\nsleep 5\nexec mpirun "$@"\n', 0o755)
    rc = stop_midway("sweep.sbatch", [SMALL, "early.h5"] + SMALL_ARGS, slurm_env(4104, MPIRUN="slow-mpirun"),
                     os.path.join(tmp, "early.log"), at="slow-mpirun: sleeping")
    log = read(os.path.join(tmp, "early.log"))
    calls = read(os.path.join(tmp, "scontrol.calls"))
    check(rc == 138 and "exited with status 138 (killed by SIGUSR1 while aimsim was starting)" in log and
          calls == "requeue 4102\nrequeue 4104\n", f"a signal during the start is requeued too (rc={rc}, {calls!r})")

    # A signal that the launcher drops (a stand-in that ignores SIGUSR1 for its first 2 s, as
    # mpirun may before it has started the ranks): the script repeats it (every second here) until
    # the run stops, and requeues.
    write(os.path.join(fake, "deaf-mpirun"),
          '#!/bin/sh\ntrap "" USR1\necho "deaf-mpirun: ignoring SIGUSR1"\nsleep 2\ntrap - USR1\nexec mpirun "$@"\n', 0o755)
    rc = stop_midway("sweep.sbatch", [LONG, "deaf.h5"] + LONG_ARGS,
                     slurm_env(4105, MPIRUN="deaf-mpirun", AIM_SIGNAL_REPEAT=1), os.path.join(tmp, "deaf.log"),
                     at="deaf-mpirun: ignoring SIGUSR1")
    log = read(os.path.join(tmp, "deaf.log"))
    calls = read(os.path.join(tmp, "scontrol.calls"))
    check(rc in (3, 138) and calls.endswith("requeue 4105\n") and "done: deaf.h5" not in log,
          f"a dropped signal is sent again until the run stops (rc={rc}, {calls!r})")

    r = script("sweep.sbatch", ["missing.yaml", "x.h5"], slurm_env(4103))
    check(r.returncode == 2 and "missing.yaml" in r.stderr, f"a missing config exits 2 naming it: {r.stderr.strip()}")


def test_array():
    ref = reference(SMALL, SMALL_ARGS, "ref-small.h5")
    for task in range(3):
        r = script("array.sbatch", [SMALL, "parts"] + SMALL_ARGS, array_env(5200, task))
        show(r)
        check(r.returncode == 0 and f"--shard {task}/3 --threads 1" in r.stdout,
              f"array task {task} runs --shard {task}/3 into parts/part-{task}.h5 (rc={r.returncode})")
    r = script("merge.sbatch", ["array.h5", "parts", "3"], slurm_env(5203))
    show(r)
    check(r.returncode == 0, f"merge.sbatch merges the 3 parts (rc={r.returncode})")
    check(same("array.h5", ref), "the merged parts equal the one-process run bit for bit")

    r = script("array.sbatch", [SMALL, "parts"] + SMALL_ARGS, array_env(5200, 1))
    check(r.returncode == 0 and "is complete; nothing to run" in r.stdout, "a task whose part is complete exits 0")
    r = script("array.sbatch", [SMALL, "parts"] + SMALL_ARGS, array_env(5200, 0, SLURM_ARRAY_TASK_MIN=1))
    check(r.returncode == 2 and "expected 0-2" in r.stderr, f"indices not 0..N-1 are refused: {r.stderr.strip()}")

    # A task stopped by SIGUSR1, its requeue, the merge before and after.
    ref = reference(LONG, LONG_ARGS, "ref-long.h5")
    args = [LONG, "long-parts"] + LONG_ARGS
    r = script("array.sbatch", args, array_env(5300, 0))
    check(r.returncode == 0, "long task 0 runs")
    rc = stop_midway("array.sbatch", args, array_env(5300, 1), os.path.join(tmp, "task1.log"))
    log = read(os.path.join(tmp, "task1.log"))
    print("--- output:\n" + log + "---")
    check(rc == 3, f"SIGUSR1 to task 1's batch shell stops it with exit status 3 (rc={rc})")
    calls = read(os.path.join(tmp, "scontrol.calls"))
    check(calls == "requeue 5301\n", f"scontrol requeue of the task's own job id: {calls!r}")
    check(os.path.exists(os.path.join(tmp, "long-parts", "part-1.h5.partial")), "part-1.h5.partial is kept")

    r = script("merge.sbatch", ["long.h5", "long-parts", "3"], slurm_env(5303))
    check(r.returncode == 1 and "1 (unfinished: .partial) 2" in r.stderr and
          not os.path.exists(os.path.join(tmp, "long.h5")),
          f"merge.sbatch refuses while parts are missing, writing nothing: {r.stderr.strip()}")

    r = script("array.sbatch", args, array_env(5300, 1, restart=1))
    show(r)
    check(r.returncode == 0 and r.stdout.split("\n")[1].endswith(" --resume"),
          f"the requeued task 1 resumes its part (rc={r.returncode})")
    r = script("array.sbatch", args, array_env(5300, 2))
    check(r.returncode == 0, "long task 2 runs")
    r = script("merge.sbatch", ["long.h5", "long-parts", "3"], slurm_env(5303))
    show(r)
    check(r.returncode == 0 and same("long.h5", ref),
          "the merged parts, one stopped and resumed, equal the one-process run bit for bit")
    check(read(os.path.join(tmp, "scontrol.calls")) == "requeue 5301\n", "no other requeue")

    # A signal while aimsim is starting (a stand-in that sleeps first), with no scontrol on PATH.
    write(os.path.join(tmp, "slow-aimsim"), f'#!/bin/sh\necho "slow-aimsim: sleeping"\nsleep 5\nexec {shlex.quote(AIMSIM)} "$@"\n',
          0o755)
    env = array_env(5400, 0, AIMSIM=os.path.join(tmp, "slow-aimsim"))
    env["PATH"] = env["PATH"].split(os.pathsep, 1)[1]
    if shutil.which("scontrol", path=env["PATH"]) is None:
        rc = stop_midway("array.sbatch", [SMALL, "early-parts"] + SMALL_ARGS, env, os.path.join(tmp, "early.log"),
                         at="slow-aimsim: sleeping")
        log = read(os.path.join(tmp, "early.log"))
        print(log)
        check(rc == 138 and "killed by SIGUSR1 while aimsim was starting" in log and "scontrol not found" in log and
              "SLURM_ARRAY_TASK_ID=0" in log, f"without scontrol the task says how to continue (rc={rc})")


def test_submit():
    submit = os.path.join(SCRIPTS, "submit-array")
    env = slurm_env(0)
    for k in [k for k in env if k.startswith("SLURM_")]:
        del env[k]
    calls = os.path.join(tmp, "sbatch.calls")
    args = ["--tasks", "3", "--sbatch=--account=proj", "--array-sbatch=--time=1:00:00", SMALL, "parts",
            "out.h5", "--replicas", "3", "--set", "investors.count=500"]
    r = subprocess.run([submit, "--dry-run"] + args, env=env, cwd=tmp, capture_output=True, text=True)
    print(r.stdout + r.stderr)
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 2, f"--dry-run prints two commands (rc={r.returncode})")
    check(not os.path.exists(calls), "--dry-run runs no sbatch")
    want_array = ["sbatch", "--parsable", "--array=0-2", "--account=proj", "--time=1:00:00",
                  os.path.join(SCRIPTS, "array.sbatch"), SMALL, "parts", "--replicas", "3", "--set",
                  "investors.count=500"]
    want_merge = ["sbatch", "--parsable", "--dependency=afterok:${array_job%%;*}", "--account=proj",
                  os.path.join(SCRIPTS, "merge.sbatch"), "out.h5", "parts", "3"]
    ok = len(lines) == 2 and lines[0].startswith("array_job=$(") and lines[0].endswith(")")
    check(ok and shlex.split(lines[0][len("array_job=$("):-1]) == want_array,
          "the first submits the array of 3 tasks with the sweep's options")
    check(ok and shlex.split(lines[1]) == want_merge, "the second submits the merge, afterok on the array")

    # What --dry-run prints is a script: run it with the stand-in sbatch.
    r = subprocess.run(["bash", "-e", "-c", r.stdout], env=env, cwd=tmp, capture_output=True, text=True)
    got = read(calls).splitlines()
    check(r.returncode == 0 and len(got) == 2 and got[1].startswith("--parsable --dependency=afterok:7001 "),
          f"the printed commands run as a script: {got}")
    os.remove(calls)

    r = subprocess.run([submit] + args, env=env, cwd=tmp, capture_output=True, text=True)
    print(r.stdout + r.stderr)
    got = [shlex.split(line) for line in read(calls).splitlines()]
    check(r.returncode == 0 and len(got) == 2 and got[0] == want_array[1:],
          f"submit-array submits the array (rc={r.returncode})")
    check(len(got) == 2 and got[1] == [a.replace("${array_job%%;*}", "7001") for a in want_merge[1:]],
          "then the merge with --dependency=afterok:7001, the id sbatch --parsable printed (cluster name cut)")
    check("array job 7001 (3 tasks)" in r.stdout and "merge job 7002" in r.stdout, "and prints both job ids")

    r = subprocess.run([submit, "--dry-run", "--tasks", "64", "--max-running", "8", SMALL, "parts", "out.h5"], env=env,
                       cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0 and " --array=0-63%8 " in r.stdout and "merge.sbatch out.h5 parts 64" in r.stdout,
          "--max-running 8 limits the running tasks (--array=0-63%8)")

    # The dry run docs/sweeps.md shows, run from a directory laid out as the repository.
    os.symlink(os.path.join(SRC, "scripts"), os.path.join(tmp, "scripts"))
    shutil.copy(os.path.join(tmp, LONG), os.path.join(tmp, "kappa-n.yaml"))
    cmd = "scripts/slurm/submit-array --dry-run --tasks 4 --sbatch=--account=proj1 kappa-n.yaml parts kappa-n.h5 " \
          "--replicas 16 --steps 120"
    r = subprocess.run(shlex.split(cmd), env=env, cwd=tmp, capture_output=True, text=True)
    with open(os.path.join(SRC, "docs", "sweeps.md")) as f:
        doc = f.read()
    check(r.returncode == 0 and f"$ {cmd}\n{r.stdout}```" in doc, "docs/sweeps.md shows this dry run's output")

    for bad, what in ((["--tasks", "0"], "--tasks 0"), (["--tasks", "x"], "--tasks x"), (["--bogus"], "an unknown option"),
                      (["--max-running", "0"], "--max-running 0")):
        r = subprocess.run([submit, "--dry-run"] + bad + [SMALL, "parts", "out.h5"], env=env, cwd=tmp,
                           capture_output=True, text=True)
        check(r.returncode == 2 and r.stderr, f"{what} exits 2: {r.stderr.strip().splitlines()[0]}")
    r = subprocess.run([submit, "--dry-run", "missing.yaml", "parts", "out.h5"], env=env, cwd=tmp, capture_output=True,
                       text=True)
    check(r.returncode == 2 and "missing.yaml" in r.stderr, "a missing config exits 2 naming it")


{"sweep": test_sweep, "array": test_array, "submit": test_submit}[MODE]()
print(f"{checks - failures} of {checks} checks passed")
if failures == 0:
    shutil.rmtree(tmp)
else:
    print(f"files kept in {tmp}")
sys.exit(1 if failures else 0)
