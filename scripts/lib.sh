# Shared helpers for scripts/run, scripts/test and .ci/run. Source it, do not execute it.
# shellcheck shell=bash

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$PROJECT_DIR/.venv"
MIN_PYTHON="3.12"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# database_label: which database the app will use, for log lines (password masked).
database_label() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        printf 'DATABASE_URL=%s' "$(sed -E 's#(//[^:/@]*):[^@]*@#\1:***@#' <<<"$DATABASE_URL")"
    else
        printf 'SQLite'
    fi
}

# apt_install PKG...: install Debian packages when we are root; `apt-get update` runs at most once
# per run, even across scripts/test called from .ci/run (the flag is exported).
apt_install() {
    [[ $(id -u) -eq 0 ]] || return 1
    command -v apt-get >/dev/null || return 1
    if [[ -z ${TASKMANAGER_APT_UPDATED:-} ]]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        export TASKMANAGER_APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# _python_exe CMD...: print the real interpreter path if CMD is Python >= 3.12 with venv support.
# Quiet on failure: pyenv shims print noise when the version they need is not selected.
_python_exe() {
    "$@" -c '
import sys
if sys.version_info < (3, 12):
    sys.exit(1)
import ensurepip, venv  # Debian splits these into pythonX.Y-venv; without them venv has no pip
print(sys.executable)
' 2>/dev/null
}

# _python_version CMD...: "3.13" if CMD runs at all, even without venv support.
_python_version() {
    "$@" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

_is_new_enough() {
    [[ -n $1 ]] && [[ $(printf '%s\n%s\n' "$MIN_PYTHON" "$1" | sort -V | head -n1) == "$MIN_PYTHON" ]]
}

# find_python: print the path of a Python >= 3.12 that can create a venv, or explain and fail.
# Order: $PYTHON if set, then python3.13/python3.12/python3 on PATH, then pyenv installs (direct
# binaries, then shims with PYENV_VERSION: a bare `python3.13` shim fails unless that version is
# selected), then the distribution's /usr/bin and /usr/local/bin interpreters.
find_python() {
    local exe cand dir ver
    local -a no_venv=()

    if [[ -n ${PYTHON:-} ]]; then
        exe=$(_python_exe "$PYTHON") && { echo "$exe"; return 0; }
        die "PYTHON=$PYTHON is not a Python >= $MIN_PYTHON with the venv module."
    fi

    for cand in python3.13 python3.12 python3; do
        command -v "$cand" >/dev/null 2>&1 || continue
        exe=$(_python_exe "$cand") && { echo "$exe"; return 0; }
    done

    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    for dir in $(ls -d "$pyenv_root"/versions/3.* /root/.pyenv/versions/3.* 2>/dev/null | sort -rV); do
        [[ -x $dir/bin/python3 ]] || continue
        exe=$(_python_exe "$dir/bin/python3") && { echo "$exe"; return 0; }
    done
    if command -v pyenv >/dev/null 2>&1; then
        for ver in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+' | sort -rV); do
            exe=$(PYENV_VERSION=$ver _python_exe python3) && { echo "$exe"; return 0; }
        done
    fi

    for cand in /usr/bin/python3.[1-9][0-9] /usr/local/bin/python3.[1-9][0-9]; do
        [[ -x $cand ]] || continue
        exe=$(_python_exe "$cand") && { echo "$exe"; return 0; }
        ver=$(_python_version "$cand")
        _is_new_enough "$ver" && no_venv+=("$cand:$ver")
    done

    # A Debian Python that is new enough but lacks venv/ensurepip: install pythonX.Y-venv if we can.
    for cand in "${no_venv[@]}"; do
        ver=${cand##*:}
        cand=${cand%:*}
        if apt_install "python$ver-venv"; then
            exe=$(_python_exe "$cand") && { echo "$exe"; return 0; }
        fi
    done

    {
        echo "ERROR: taskmanager needs Python >= $MIN_PYTHON (with the venv module); none was found."
        echo "Tried: \$PYTHON, python3.13, python3.12, python3 on PATH, pyenv versions, /usr/bin/python3.*."
        for cand in "${no_venv[@]}"; do
            echo "Found ${cand%:*} (Python ${cand##*:}) without venv: apt-get install python${cand##*:}-venv"
        done
        echo "Install one, for example:"
        echo "  Debian 13 / Ubuntu 24.04+:  sudo apt-get install python3.13 python3.13-venv"
        echo "  Any system with pyenv:      pyenv install 3.13"
        echo "or point to one explicitly:   PYTHON=/path/to/python3.13 $0"
    } >&2
    exit 1
}

# _venv_ok: the venv exists, runs a new enough Python, and has pip.
_venv_ok() {
    [[ -x $VENV_DIR/bin/python ]] || return 1
    _is_new_enough "$(_python_version "$VENV_DIR/bin/python")" || return 1
    "$VENV_DIR/bin/python" -m pip --version >/dev/null 2>&1
}

# ensure_venv REQUIREMENTS_FILE: create or repair .venv and install the file's pins. The install
# is skipped when neither the requirements files nor the interpreter changed since the last one
# (a hash kept inside .venv), so a second run starts in about a second.
ensure_venv() {
    local req="$PROJECT_DIR/$1"
    [[ -f $req ]] || die "missing $1"

    if [[ -e $VENV_DIR ]] && ! _venv_ok; then
        # Someone else's venv (e.g. made by root, whose Python we cannot even run): never delete it.
        [[ -w $VENV_DIR && -O $VENV_DIR ]] ||
            die ".venv is unusable for $(id -un) and belongs to another user: run as its owner or remove it."
        log "Recreating .venv: its Python is older than $MIN_PYTHON, broken, or has no pip"
        rm -rf "$VENV_DIR"
    fi
    if [[ ! -e $VENV_DIR ]]; then
        local python
        python=$(find_python) || exit 1
        log "Creating .venv with $python ($(_python_version "$python"))"
        "$python" -m venv "$VENV_DIR"
    fi

    # Hash every requirements file, since requirements-dev.txt includes requirements.txt.
    local stamp="$VENV_DIR/.installed-$(basename "$req").sha256" wanted
    wanted=$(cat "$PROJECT_DIR"/requirements*.txt <("$VENV_DIR/bin/python" -VV) | sha256sum | cut -d' ' -f1)
    if [[ -f $stamp && $(<"$stamp") == "$wanted" ]]; then
        log "Dependencies from $1 already installed"
        return 0
    fi
    log "Installing dependencies from $1"
    "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$wanted" >"$stamp"
}

# ensure_demo_account: create the demo account with sample tasks on first use only. Setting the
# password again on every start would log the demo user out everywhere (Django ties sessions to
# the password hash) and undo a password they chose. Needs $VENV_DIR/bin/python and migrations.
ensure_demo_account() {
    local py="$VENV_DIR/bin/python" status=0
    "$py" "$PROJECT_DIR/manage.py" shell --no-imports -c '
import os, sys
from django.contrib.auth import get_user_model
name = os.environ.get("DEMO_USERNAME", "demo")
sys.exit(0 if get_user_model().objects.filter(username=name).exists() else 3)
' || status=$?
    case $status in
        0) log "Demo account ${DEMO_USERNAME:-demo} exists: keeping it and its password" ;;
        3) "$py" "$PROJECT_DIR/manage.py" seed_demo ;;
        *) die "could not check for the demo account (manage.py shell exited $status)" ;;
    esac
}
