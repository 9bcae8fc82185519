'use strict';
// Temporary folders for a test file: made under os.tmpdir() and removed after the file's tests,
// whether they passed or not (scripts/test.sh fails the run on anything left in its TMPDIR).
// For test files only: requiring it registers a node:test `after` hook.
const { after } = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const made = [];
after(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder `<tmpdir>/<prefix>XXXXXX`, removed once the test file is done. */
function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

module.exports = { makeTempDir };
