#!/bin/sh
# Prints sflowkit's version, the one string every program's --version shows
# and the package carries: `git describe --tags --always --dirty` in a git
# checkout of this tree, else the VERSION file at the top, else "unknown".
# `git archive` (so any tarball of a commit) writes into VERSION the same
# describe, or the bare hash where no tag precedes the commit
# (.gitattributes: export-subst); in a checkout it holds only the templates.
#   mk/version.sh          the version (v1.2-3-gabc1234, abc1234-dirty, ...)
#   mk/version.sh --deb    the same as a Debian version (see mk/deb.sh)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)

# `make && sudo make install` reads a checkout that root does not own:
# safe.directory lets git do that (running its Makefile trusts it anyway).
git() { command git -c safe.directory="$top" -C "$top" "$@"; }

version() {
    # Only this tree's own history: not a repository it was unpacked into.
    if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
        git describe --tags --always --dirty && return
    fi
    if [ -f "$top/VERSION" ] &&
       v=$(grep -v -e '^$' -e 'Format:' "$top/VERSION" | head -n 1) && [ -n "$v" ]; then
        echo "$v"
        return
    fi
    echo unknown
}

# Debian's upstream version starts with a digit and has no '-' in a native
# package: v1.2.3 -> 1.2.3, v1.2.3-4-gabc1234 -> 1.2.3+4.gabc1234 (after
# 1.2.3), v1.3-rc1 -> 1.3~rc1 (before 1.3), a bare hash abc1234 (no tag
# yet) -> 0.0~gabc1234 (before any release), -dirty -> +dirty.
deb() {
    case $1 in
    *-dirty) dirty=+dirty; v=${1%-dirty} ;;
    *) dirty=; v=$1 ;;
    esac
    v=${v#v}
    case $v in
    *[!0-9a-f]*) ;;
    ???????*) v=0.0~g$v ;;      # A bare hash, which may start with a digit.
    esac
    case $v in
    [0-9]*-*-g*) base=${v%-*-g*}; rest=${v#"$base"-}
                 v=$base+${rest%%-*}.g${rest#*-g} ;;
    [0-9]*) ;;
    *) v=0.0~$v ;;
    esac
    echo "$v$dirty" | tr - '~'
}

v=$(version)
case $v in
*[!A-Za-z0-9.+~_-]*|'') echo "version.sh: bad version '$v'" >&2; exit 1 ;;
esac
case ${1:-} in
--deb) deb "$v" ;;
'') echo "$v" ;;
*) echo "usage: mk/version.sh [--deb]" >&2; exit 2 ;;
esac
