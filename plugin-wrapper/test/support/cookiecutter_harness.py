"""Runs the real cookiecutter 2.7.1 for the differential tests, reproducibly.

    python cookiecutter_harness.py TEMPLATE OUTPUT_DIR EXTRA_CONTEXT_JSON NOW_ISO

Hooks off (accept_hooks=False), no user config (default_config=True), the clock frozen at
NOW_ISO (its offset is the 'local' zone, as Trellis' `now` option), and randomness seeded (the
trees of templates that use random_ascii_string/uuid4 are not compared byte for byte, only their
presence). Prints JSON {ok, project?, error?} on stdout.
"""
import json
import random
import sys
import uuid

import arrow

import cookiecutter.extensions as extensions
from cookiecutter.main import cookiecutter

template, output_dir, extra_json, now_iso = sys.argv[1:5]
frozen = arrow.get(now_iso)


def frozen_now(tz="local"):
    return frozen if tz == "local" else frozen.to(tz)


arrow.now = frozen_now
seeded = random.Random(7)
extensions.choice = seeded.choice
uuid.uuid4 = lambda: uuid.UUID(int=seeded.getrandbits(128), version=4)

try:
    project = cookiecutter(
        template,
        no_input=True,
        extra_context=json.loads(extra_json) or None,
        output_dir=output_dir,
        accept_hooks=False,
        default_config=True,
    )
    print(json.dumps({"ok": True, "project": project}))
except Exception as error:  # every failure is a result to compare
    print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
