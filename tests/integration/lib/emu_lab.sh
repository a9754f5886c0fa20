# Shared skip rules of the sflow-emu CLI tests (emu_cli.sh, emu_link_tc.sh,
# emu_sigint.sh): root, sflow-emu and sflow-switch built, ip netns, and
# each tool named as an argument, else skipped (77).  Sets EMU.
# usage: . "$(dirname "$0")/lib/emu_lab.sh" [TOOL...]
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
EMU=$BIN/sflow-emu
[ -x "$EMU" ] && [ -x "$BIN/sflow-switch" ] || { echo "no $EMU or sflow-switch"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "no ip netns"; exit 77; }
for tool; do
    command -v "$tool" >/dev/null || { echo "no $tool"; exit 77; }
done
