#!/usr/bin/env bash
# make test-compat: the wheel on the stacks people run, each in a virtual environment of its
# own under .venv-compat/ (kept between runs; NBVERSION_COMPAT_FRESH=1 rebuilds them).
#
#  1. build the wheel once, as a release would (`python -m build`, labextension build:prod),
#     from a copy of the sources: the working tree (default) or HEAD (COMPAT_SOURCE=head);
#  2. lab: the lowest supported JupyterLab; `pip install` of the wheel must not change its
#     version; `jupyter labextension list` must say OK; a subset of the browser tests;
#  3. numpy1: numpy 1.26 + pandas 2.2 + the newest pyarrow that imports with numpy 1.x; the
#     wheel must not change them; the kernel round trips and the pandas tests; then, with
#     pyarrow 26 on PYTHONPATH (it needs numpy >= 2), the pickle fallback and its message;
#     then the fidelity corpus (tests/fidelity) on that stack: its fast subset, or every
#     notebook with COMPAT_FIDELITY=all (`make test-fidelity-compat`, ~10-16 min here).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
export PATH=$BIN:$PATH
COMPAT=${COMPAT_DIR:-$ROOT/.venv-compat}
SOURCE=${COMPAT_SOURCE:-tree}
LAB_VERSION=${COMPAT_LAB:-4.0.13}
NUMPY1_STACK=(numpy==1.26.4 pandas==2.2.3 "pyarrow>=16,<26")
# what the fidelity corpus's notebooks import besides that stack (torch: the CPU build on disk)
CORPUS_LIBS=(matplotlib seaborn torch==2.13.0)
FIDELITY=${COMPAT_FIDELITY:-fast}
PYARROW_NEEDS_NUMPY2=pyarrow==26.0.1
UI_TESTS=(${COMPAT_UI_TESTS:-ui-tests/test_panel.py ui-tests/test_sidebar.py ui-tests/test_autosave.py})
# passes alone on 4.0.13, but its wait for the server to drop the kernel is not asserted and
# runs out under load (the save then still sees the kernel)
UI_DESELECT=(--deselect "ui-tests/test_sidebar.py::test_save_without_kernel_is_notebook_only")
# (not tests/capture/test_pandas.py: its frames hold str columns, object dtype in pandas 2,
# which go to pickle by design; nor the tests of restore's column reuse, a pandas 3 path)
KERNEL_TESTS=(
  tests/kernel/test_roundtrip_kinds.py tests/kernel/test_versioning.py
  tests/kernel/test_nonfinite.py tests/capture/test_numpy.py tests/capture/test_arrow.py
  tests/kernel/test_restore_reuse.py::test_mutating_restored_frame_changes_nothing_else
)
started=$(date +%s)
step=$started
lap() { local now; now=$(date +%s); echo "test-compat: $1 ($((now - step)) s)"; step=$now; }
mkdir -p "$COMPAT"

# -- 1. the wheel ----------------------------------------------------------------------
src=$COMPAT/src
rm -rf "$src" "$COMPAT/dist"
mkdir -p "$src"
if [ "$SOURCE" = head ]; then
  git archive HEAD | tar -x -C "$src"
else  # tracked and untracked-but-not-ignored files, as they are in the working tree
  git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - | tar -xf - -C "$src"
fi
# yarn's package cache of this checkout (filled by `make setup`): no second download
export YARN_CACHE_FOLDER=$ROOT/.yarn/cache
"$BIN/python" -m build --wheel --no-isolation --outdir "$COMPAT/dist" "$src" > "$COMPAT/build.log" 2>&1 \
  || { tail -40 "$COMPAT/build.log"; echo "test-compat: the wheel did not build"; exit 1; }
wheel=$(ls "$COMPAT"/dist/nbversion-*.whl)
lap "built $(basename "$wheel")"

# -- helpers -----------------------------------------------------------------------------
pip_in() {  # pip in that venv, quiet; its output only when it fails
  local dir=$1; shift
  "$dir/bin/python" -m pip "$@" > "$COMPAT/pip.log" 2>&1 \
    || { grep -v "is ignored: it is neither" "$COMPAT/pip.log" | tail -30; return 1; }
}
# a venv with exactly these requirements (recreated when they change)
venv() {
  local dir=$1; shift
  local spec="$*"
  if [ -n "${NBVERSION_COMPAT_FRESH:-}" ] || [ ! -x "$dir/bin/python" ] \
    || [ "$(cat "$dir/.compat-spec" 2>/dev/null)" != "$spec" ]; then
    rm -rf "$dir"
    "$BIN/python" -m venv "$dir"
    pip_in "$dir" install --upgrade pip
    pip_in "$dir" install "$@"
    echo "$spec" > "$dir/.compat-spec"
  fi
}
versions() {  # name==version of every installed distribution, sorted
  "$1/bin/python" -m pip list --format=freeze --exclude nbversion 2>/dev/null | sort
}
# install the wheel (and what it needs) and fail if that changed any of the named packages
install_wheel() {
  local dir=$1; shift
  pip_in "$dir" uninstall -y nbversion || true
  versions "$dir" > "$dir/before.txt"
  pip_in "$dir" install "$wheel"
  versions "$dir" > "$dir/after.txt"
  local changed
  changed=$(comm -23 "$dir/before.txt" "$dir/after.txt" | sed 's/==.*//' | tr '\n' ' ')
  for pkg in "$@"; do
    local a b
    a=$(grep -i "^$pkg==" "$dir/before.txt" || true)
    b=$(grep -i "^$pkg==" "$dir/after.txt" || true)
    if [ -z "$a" ] || [ "$a" != "$b" ]; then
      echo "test-compat: installing the wheel changed $pkg: '${a:-absent}' -> '${b:-absent}'"
      exit 1
    fi
    echo "test-compat:   $a (unchanged)"
  done
  [ -z "$changed" ] || echo "test-compat:   the wheel's install changed: $changed"
  local where
  where=$(cd / && "$dir/bin/python" -c "import nbversion; print(nbversion.__file__)")
  case $where in "$dir"/*) ;; *) echo "test-compat: nbversion imports from $where"; exit 1;; esac
}

# -- 2. the lowest supported JupyterLab ------------------------------------------------------
lab=$COMPAT/lab
venv "$lab" "jupyterlab==$LAB_VERSION" pytest playwright pytest-playwright
install_wheel "$lab" jupyterlab jupyter_server
out=$("$lab/bin/jupyter" labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
if ! grep -Eq "nbversion v[^ ]+ enabled +OK" <<< "$out"; then
  echo "$out"; echo "test-compat: JupyterLab $LAB_VERSION does not report nbversion OK"; exit 1
fi
echo "test-compat:   $(grep -E "nbversion v" <<< "$out" | sed 's/^ *//')"
running=$("$lab/bin/jupyter" lab --version)
[ "$running" = "$LAB_VERSION" ] || { echo "test-compat: JupyterLab is $running"; exit 1; }
lap "JupyterLab $LAB_VERSION: wheel installed, labextension OK"
bash .ci/ensure-chromium.sh
# one retry of what failed, said out loud: on 2 shared cores a busy moment can outlast a
# wait (the main suite shows those flakes; here the question is whether 4.0 works at all)
ui() {
  NBVERSION_UI_ARTIFACTS=$COMPAT/artifacts "$lab/bin/python" -m pytest -q \
    -o cache_dir="$COMPAT/pytest-cache" "$@" "${UI_TESTS[@]}" "${UI_DESELECT[@]}"
}
if ! ui --cache-clear; then
  echo "test-compat: retrying the failed browser tests once"
  ui --last-failed --last-failed-no-failures none
fi
lap "JupyterLab $LAB_VERSION: browser tests ${UI_TESTS[*]}"

# -- 3. numpy 1.26 + pandas 2.2 --------------------------------------------------------------
np1=$COMPAT/numpy1
venv "$np1" "${NUMPY1_STACK[@]}" scipy scikit-learn skops "${CORPUS_LIBS[@]}" pytest \
  "pytest-jupyter[server]"
install_wheel "$np1" numpy pandas pyarrow
(cd / && "$np1/bin/python" -c "import numpy, pandas, pyarrow; print('test-compat:   imports:',
  'numpy', numpy.__version__, 'pandas', pandas.__version__, 'pyarrow', pyarrow.__version__)")
"$np1/bin/python" -m pytest -p no:cacheprovider -q "${KERNEL_TESTS[@]}"
lap "numpy 1.26 stack: kernel round trips"
# the stack pip gives numpy 1.x users who do not pin pyarrow: pyarrow 26 cannot import
pa26=$COMPAT/pyarrow26
[ -z "${NBVERSION_COMPAT_FRESH:-}" ] || rm -rf "$pa26"
if [ ! -d "$pa26/pyarrow" ]; then
  pip_in "$np1" install --no-deps --target "$pa26" "$PYARROW_NEEDS_NUMPY2"
fi
PYTHONPATH=$pa26 NBVERSION_COMPAT_ARROW=broken \
  "$np1/bin/python" -m pytest -p no:cacheprovider -q tests/kernel/test_arrow_fallback.py
lap "numpy 1.26 with $PYARROW_NEEDS_NUMPY2: DataFrames pickled, the fix named"
# saved after every cell, restored live and in a fresh kernel, compared by fingerprints
corpus=()
[ "$FIDELITY" = all ] && corpus=(env NBVERSION_FIDELITY=all)
"${corpus[@]}" "$np1/bin/python" -m pytest -p no:cacheprovider -q tests/fidelity
lap "numpy 1.26 stack: fidelity corpus ($FIDELITY)"
echo "test-compat: passed in $(( $(date +%s) - started )) s"
