#!/bin/sh
# The directories `make install` had to create, and only those, are what
# `make uninstall` removes again (where empty): install records them,
# relative to DESTDIR, in a list that uninstall reads; a directory that
# still holds something (a changed configuration) stays on the list.
#   mk/installdirs.sh make LIST DESTDIR DIR...  create each missing DIR (with
#                                               its parents) and LIST's
#                                               directory; add them to LIST
#   mk/installdirs.sh remove LIST DESTDIR       remove each empty directory
#                                               LIST names, then LIST if
#                                               none is left
set -eu
umask 022
mode=${1:?usage: mk/installdirs.sh make|remove LIST DESTDIR [DIR...]}
list=${2:?} destdir=${3?}
shift 3
new=$(mktemp)
trap 'rm -f "$new"' EXIT

# make DIR...: create them and LIST's directory, adding what was missing
# (and what "$new" holds already) to LIST.
make_dirs() {
    for dir in "$@" "${list%/*}"; do
        d=$dir
        while [ -n "$d" ] && [ ! -d "$d" ]; do
            echo "${d#"$destdir"}" >>"$new"
            d=${d%/*}
        done
        mkdir -p "$dir"
    done
    [ ! -f "$list" ] || cat "$list" >>"$new"
    sort -u "$new" >"$list"
    chmod 644 "$list"
}

case $mode in
make)
    make_dirs "$@"
    ;;
remove)
    [ -f "$list" ] || exit 0
    dirs=$(sort -r "$list")
    rm -f "$list"
    # Deepest first: a parent after its children.
    for d in $dirs; do
        rmdir "$destdir$d" 2>/dev/null || echo "$d" >>"$new"
    done
    [ ! -s "$new" ] || make_dirs
    ;;
*)
    echo "usage: mk/installdirs.sh make|remove LIST DESTDIR [DIR...]" >&2
    exit 2
    ;;
esac
