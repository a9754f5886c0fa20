#!/bin/sh
# Ctrl-C in sflow-emu's CLI, typed on a terminal (a pty, from python3):
# it interrupts the host command that runs ("h1 sleep 100", "h1 ping h2",
# "sh sleep 100"), which is gone after it, and never the CLI, which prompts
# again and goes on answering; Ctrl-C at the prompt gives a new prompt;
# Ctrl-Z sends the command to the background as a job; the run ends with
# exit status 0 and leaves nothing behind.  SIGTERM at the prompt (a second
# run) is not a Ctrl-C: the CLI ends and the network is torn down.
# env: BIN (programs).  Root, ip netns and python3 required, else skipped (77).
. "$(dirname "$0")/lib/emu_lab.sh" python3
tmp=$(mktemp -d /tmp/emu-sigint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

cat >"$tmp/drive.py" <<'EOF'
import os, pty, re, select, signal, sys, time

emu, log = sys.argv[1], open(sys.argv[2], "wb")
pid, fd = pty.fork()
if pid == 0:
    os.execv(emu, [emu, "--topo", "single,2", "--no-sflow"])
buf = b""
failed = []
PROMPT = b"sflow-emu> "

def read_until(want, secs):
    """Reads the pty until 'want' shows in what came since the last call."""
    global buf
    end = time.time() + secs
    while want not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            log.write(d)
            buf += d
    found = want in buf
    return found

def step(what, line, want, secs=10):
    global buf
    buf = b""
    if line is not None:
        os.write(fd, line)
    ok = read_until(want, secs)
    if not ok:
        failed.append("%s: no %r in %r" % (what, want, buf[-300:]))
    return ok

def alive(p):
    """Whether process p runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open("/proc/%d/stat" % p) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False

step("start", None, PROMPT, 120)
# Commands that say "started" (a word their typed line does not end a line
# with) and then wait: Ctrl-C ends them, and the CLI prompts again.
STARTED = b"started\r\n"
step("h1 sleep", b"h1 sh -c 'echo $$ started; exec sleep 100'\n", STARTED)
m = re.search(rb"(\d+) started\r\n", buf)
child = int(m.group(1)) if m else 0
time.sleep(0.2)
t0 = time.time()
step("Ctrl-C on h1 sleep", b"\x03", PROMPT, 10)
print("prompt %.2f s after Ctrl-C" % (time.time() - t0))
time.sleep(0.2)
if child == 0 or alive(child):
    failed.append("sleep (pid %d) still runs after Ctrl-C" % child)
if not alive(pid):
    failed.append("the CLI died of Ctrl-C")
# ping handles SIGINT itself: its summary shows it got it.
step("h1 ping", b"h1 ping -i0.2 h2\n", b"icmp_seq=2 ")
step("Ctrl-C on ping", b"\x03", PROMPT)
if b"packets transmitted" not in buf:
    failed.append("ping did not print its summary: %r" % buf[-300:])
step("sh sleep", b"sh echo started; exec sleep 100\n", STARTED)
time.sleep(0.2)
step("Ctrl-C on sh sleep", b"\x03", PROMPT)
# Ctrl-\\ ends a command too; at the prompt it is ignored, as a shell does.
step("h1 sleep again", b"h1 sh -c 'echo started; exec sleep 100'\n", STARTED)
time.sleep(0.2)
step("Ctrl-\\ on h1 sleep", b"\x1c", PROMPT)
os.write(fd, b"\x1c")
time.sleep(0.3)
if not alive(pid):
    failed.append("the CLI died of Ctrl-\\ at the prompt")
# Ctrl-C at the prompt: a new prompt, and the CLI still answers.
step("Ctrl-C at the prompt", b"\x03", PROMPT)
step("nodes", b"nodes\n", b"h1 h2 s1\r\n" + PROMPT)
# Ctrl-Z: the command goes on as a job, the prompt comes back.
step("h2 sleep", b"h2 sh -c 'echo started; exec sleep 100'\n", STARTED)
time.sleep(0.2)
step("Ctrl-Z", b"\x1a", PROMPT)
if not re.search(rb"\[1\] \d+ stopped: goes on in the background", buf):
    failed.append("Ctrl-Z: no job line in %r" % buf)
step("jobs", b"jobs\n", b"running  h2 sh -c" )
step("kill 1x", b"kill 1x\n", b"usage: kill N (see jobs)")
step("kill 1", b"kill 1\n", b"killed")
step("exit", b"exit\n", b"\n")
end = time.time() + 60
status = None
while time.time() < end:
    try:
        read_until(b"\0", 0.5)
    except OSError:
        pass
    w, st = os.waitpid(pid, os.WNOHANG)
    if w == pid:
        status = st
        break
if status is None:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    failed.append("the CLI did not exit")
elif not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
    failed.append("exit status %r" % status)

# A second run: SIGTERM at the prompt ends it, and it removes its network.
log.flush()
pid, fd = pty.fork()
if pid == 0:
    os.execv(emu, [emu, "--topo", "single,2", "--no-sflow"])
step("start 2", None, PROMPT, 120)
m = re.search(rb"run (sfe[0-9]+)\)", buf)
prefix = m.group(1).decode() if m else ""
os.kill(pid, signal.SIGTERM)
end = time.time() + 60
status = None
while time.time() < end and status is None:
    read_until(b"\0", 0.5)
    w, st = os.waitpid(pid, os.WNOHANG)
    status = st if w == pid else None
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    failed.append("SIGTERM at the prompt did not end the CLI")
if not prefix:
    failed.append("run 2: no run prefix in %r" % buf[-300:])
elif any(l.startswith(prefix + "-") for l in os.popen("ip netns list").read().splitlines()):
    failed.append("SIGTERM: namespaces of %s left" % prefix)
for f in failed:
    print("FAIL", f)
sys.exit(1 if failed else 0)
EOF

python3 "$tmp/drive.py" "$EMU" "$tmp/pty.log"
rc=$?
if [ $rc != 0 ]; then
    echo "--- what the terminal showed:"; cat "$tmp/pty.log"; echo
    exit 1
fi
p=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$tmp/pty.log")
[ -n "$p" ] || { echo "FAIL no run prefix"; exit 1; }
[ "$(ip netns list | grep -c "^$p-")" = 0 ] || { echo "FAIL namespaces of $p left"; exit 1; }
echo "ok: Ctrl-C interrupts the host command, never the CLI"
exit 0
