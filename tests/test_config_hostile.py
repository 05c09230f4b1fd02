#!/usr/bin/env python3
"""Hostile configurations through `aimsim config show`: each must be refused with exit status 2
and a file:line:col message, within a few seconds and a bounded peak memory (libfyaml 0.7.12 alone
hangs on '%\\x8f' and takes gigabytes on 10 MB of '['). Usage: test_config_hostile.py AIMSIM"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading

TIMEOUT_S = 10
MAX_RSS_KB = 96 * 1024  # the program itself takes about 10 MB

fails = 0


def check(ok, what):
    global fails
    print(("PASS: " if ok else "FAIL: ") + what)
    if not ok:
        fails += 1


def run(argv):
    """Runs argv; returns (exit status or None on timeout, stderr text, peak RSS in kB).

    The peak comes from /usr/bin/time where it exists (wait4's figure for a child forked from this
    interpreter can include the interpreter's own pages)."""
    timer_cmd = ["/usr/bin/time", "-f", "maxrss-kB %M"] if os.path.exists("/usr/bin/time") else []
    p = subprocess.Popen(timer_cmd + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(TIMEOUT_S, lambda: p.send_signal(signal.SIGKILL))
    timer.start()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = 0  # reaped by wait4
    timed_out = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    rc = None if timed_out else os.waitstatus_to_exitcode(status)
    text = err.decode("utf-8", "backslashreplace")
    rss = usage.ru_maxrss
    lines = text.rstrip("\n").split("\n")
    if timer_cmd and lines and lines[-1].startswith("maxrss-kB "):
        rss = int(lines[-1].split()[1])
        text = "\n".join(l for l in lines[:-1] if not l.startswith("Command exited with"))
    return rc, text, rss


def main():
    aimsim = sys.argv[1]
    d = tempfile.mkdtemp()
    rnd = random.Random(20261129)  # a fixed stand-in for /dev/urandom
    files = {
        "directive-bad-byte.yaml": (b"%\x8f", ":1:2: byte 0x8f is not valid UTF-8"),
        "directive-name-bad-byte.yaml": (b"%Y\x8f\n", ":1:3: byte 0x8f is not valid UTF-8"),
        "nul.yaml": (b"deals:\n  kappa: 3\0\n  kappa: 4\n", ":2:11: NUL byte"),
        "tag-directive.yaml": (b"%TAG ! tag:x,2000:\n---\nrun: {}\n", ":1:1: unsupported directive"),
        "brackets-10MB.yaml": (b"[" * (10 << 20), ":1:1048577: the configuration is larger than"),
        "braces-10MB.yaml": (b"{" * (10 << 20), ":1:1048577: the configuration is larger than"),
        "brackets-1MiB.yaml": (b"[" * (1 << 20), ":1:32: nesting deeper than 32"),
        "random-1MiB.yaml": (rnd.randbytes(1 << 20), "is not valid UTF-8"),
        "deep-block.yaml": ("".join("%*sk%d:\n" % (2 * i, "", i) for i in range(200)).encode(),
                            ":33:65: nesting deeper than 32"),
        "deep-dashes.yaml": (b"- " * 500000 + b"x\n", ":1:65: nesting deeper than 32"),
        "flow-items.yaml": (b"[" + b"1," * 300000 + b"1]\n", ":1:513: more than 256 keys or items"),
        # libfyaml checks duplicate keys in time growing as the square of a mapping's size.
        "many-keys.yaml": (b"run:\n" + b"".join(b"  k%d: 1\n" % i for i in range(65000)),
                           ":258:3: more than 256 keys or items"),
        "many-entries.yaml": (b"".join(b"a%d:\n" % a + b"".join(b"  b%d:\n" % b + b"".join(
            b"    c%d: 1\n" % c for c in range(200)) for b in range(200)) for a in range(2)),
            "more than 65536 entries"),
    }
    for name, (data, phrase) in files.items():
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        rc, err, rss = run([aimsim, "config", "show", path])
        check(rc == 2, f"{name}: exit 2 (got {rc}; {err.strip()[:200]})")
        want = name + phrase if phrase.startswith(":") else phrase
        check(name in err and want in err, f"{name}: message names the file and says '{want}'")
        check(rss < MAX_RSS_KB, f"{name}: peak memory {rss} kB < {MAX_RSS_KB} kB")
        os.unlink(path)
        del data

    # The same through --set, and endless devices as the config file.
    sets = [
        ("deals.kappa=%\x8f".encode("latin-1"), "--set 'deals.kappa=%\\x8f': value, line 1, column 2"),
        (b"deals.kappa=" + b"[" * 100000, "nesting deeper than 32"),
    ]
    for arg, phrase in sets:
        rc, err, rss = run([aimsim, "config", "show", "--set", arg])
        check(rc == 2 and phrase in err, f"--set {arg[:20]!r}...: exit 2, message '{phrase}' ({rc}: {err[:200]})")
        check(rss < MAX_RSS_KB, f"--set {arg[:20]!r}: peak memory {rss} kB")
    for dev in ["/dev/urandom", "/dev/zero"]:
        rc, err, rss = run([aimsim, "config", "show", dev])
        check(rc == 2 and "larger than 1048576 bytes" in err, f"{dev}: refused at the size limit ({rc}: {err[:200]})")
        check(rss < MAX_RSS_KB, f"{dev}: peak memory {rss} kB")
    os.rmdir(d)
    print(f"{fails} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
