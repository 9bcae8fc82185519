#!/usr/bin/env bash
# The real cookiecutter 2.7.1 (PyPI) for the differential tests and the bench: a virtualenv in
# target/cookiecutter-venv (ignored by git), created once from scripts/cookiecutter-requirements.txt
# (cookiecutter and its dependencies, pinned) and kept while that file is unchanged.
# Prints the venv's bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TRELLIS_COOKIECUTTER_VENV:-target/cookiecutter-venv}"
requirements=scripts/cookiecutter-requirements.txt
stamp="$venv/.trellis-requirements"
if [ ! -x "$venv/bin/cookiecutter" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "==> creating $venv (cookiecutter 2.7.1 from PyPI)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
cd "$venv/bin" && pwd
