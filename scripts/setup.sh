#!/usr/bin/env bash
# Creates .venv and installs the project with its pinned dependencies.
#   scripts/setup.sh            install (what `make run` and `make test` call)
#   scripts/setup.sh --relock   resolve afresh and rewrite requirements/constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
extras=".[grader,docs,nbgrader,dev,course]"
lock=requirements/constraints.txt

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup: Python 3.11 or newer is needed; '$python' is $("$python" -V 2>&1)." >&2
    exit 1
fi

# Debian packages: installed when missing and possible, else skipped with the reason.
missing=()
for package in $(sed -e 's/#.*//' requirements/debian.txt); do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
        echo "setup: skipping Debian packages (${missing[*]}): no apt-get on this machine;" \
             "the tests that need them will say so and skip." >&2
    elif [ "$(id -u)" -ne 0 ]; then
        echo "setup: skipping Debian packages (${missing[*]}): not root; install them with" \
             "'sudo apt-get install ${missing[*]}'. The tests that need them will skip." >&2
    else
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
            >/dev/null || echo "setup: could not install ${missing[*]}; the tests that need" \
            "them will skip." >&2
    fi
fi

# npm packages for the docs site, unpacked into .venv/share/npm/<name>/.
fetch_npm() {  # name@version integrity
    local spec=$1 integrity=$2 name=${1%@*} target=.venv/share/npm/${1%@*}
    [ -f "$target/.integrity" ] && [ "$(cat "$target/.integrity")" = "$integrity" ] && return 0
    if ! command -v npm >/dev/null; then
        echo "setup: skipping $spec: no npm here; the docs site will go without it" \
             "(diagrams, or the course in the browser)." >&2
        return 0
    fi
    local work
    work=$(mktemp -d)
    if (cd "$work" && npm pack "$spec" --silent >/dev/null 2>&1); then
        local tarball=("$work"/*.tgz)
        local actual
        actual="sha512-$(openssl dgst -sha512 -binary "${tarball[0]}" | openssl base64 -A)"
        if [ "$actual" != "$integrity" ]; then
            echo "setup: $spec does not match its pinned integrity; not installed." >&2
        else
            rm -rf "$target" && mkdir -p "$target"
            tar -xzf "${tarball[0]}" -C "$target" --strip-components=1
            echo "$integrity" > "$target/.integrity"
        fi
    else
        echo "setup: could not fetch $spec with npm; the docs site will go without it" \
             "(diagrams, or the course in the browser)." >&2
    fi
    rm -rf "$work"
}

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet --upgrade pip

if [ "${1:-}" = "--relock" ]; then
    "${pip[@]}" install --quiet -e "$extras"
    {
        echo "# Every dependency pinned; written by 'make lock', read by scripts/setup.sh."
        "${pip[@]}" freeze --exclude-editable --all | grep -v -E '^(pip|setuptools|wheel)=='
    } > "$lock"
    echo "setup: wrote $lock"
else
    "${pip[@]}" install --quiet -c "$lock" -e "$extras"
fi
# The kernel names this venv's Python by its full path, so jupytext gives a Markdown chapter
# opened in JupyterLab this kernel (and JupyterLab asks no "Select Kernel" question).
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
sed -e 's/#.*//' requirements/npm.txt | while read -r spec integrity; do
    [ -n "$spec" ] && fetch_npm "$spec" "$integrity"
done
# Pure-Python wheels the in-browser course serves to its kernel (Pyodide, Python 3.14).
lite_wheels=.venv/share/lite-wheels
if ! cmp -s requirements/lite.txt "$lite_wheels/.requirements"; then
    mkdir -p "$lite_wheels"
    if "${pip[@]}" download --quiet --no-deps --only-binary=:all: --python-version 3.14 \
            --platform any --implementation py --dest "$lite_wheels" -r requirements/lite.txt; then
        cp requirements/lite.txt "$lite_wheels/.requirements"
    else
        echo "setup: could not download the in-browser course's wheels; the docs build" \
             "will say so and skip it." >&2
    fi
fi
echo "setup: environment ready in .venv"
