#!/usr/bin/env node
'use strict';
/**
 * Writes THIRD-PARTY-NOTICES: every third-party work the package contains or was derived from,
 * with its licence texts, each distinct text once.
 *
 *   node scripts/third-party-notices.cjs [--out FILE]
 *
 * - Rust crates: the normal dependencies of the workspace's crates for wasm32-unknown-unknown,
 *   from `cargo metadata --filter-platform wasm32-unknown-unknown` (Cargo.lock, --locked), their
 *   licence files read from the crate sources cargo unpacked (~/.cargo/registry). Crates reached
 *   only through a proc macro are listed apart (they generate code, they are not linked). Build
 *   dependencies are listed when build.rs puts something of theirs into the module
 *   (scripts/third-party-works.cjs says which).
 * - The works Trellis ported code or took data from, the Rust standard library and tsc's helpers
 *   (scripts/third-party-works.cjs), the scaffolder modules whose action schemas the module embeds
 *   (schemas/manifest/module-actions.json), and the npm `dependencies` of package.json.
 *
 * Licence texts come from the installed packages (node_modules, the cookiecutter venv of
 * scripts/cookiecutter-venv.sh, which this runs); a work that ships none gets the standard text
 * of the licence it declares, from the SPDX licence list (npm spdx-license-list), with the
 * copyright its metadata names, and its entry says so. Nothing is downloaded.
 *
 * plugin-wrapper/test/third-party-notices.test.cjs regenerates the file and compares.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spdx = require('spdx-license-list/full');
const works = require('./third-party-works.cjs');

const root = path.resolve(__dirname, '..');
const OUTPUT = path.join(root, 'THIRD-PARTY-NOTICES');
const TARGET = 'wasm32-unknown-unknown';
/** File names that hold licence texts or notices (LICENSE-MIT, COPYING, NOTICE, UNLICENSE…). */
const LICENCE_FILE = /^(licen[cs]e|copying|copyright|notice|unlicense)/i;
/** A folder of licence texts (REUSE's LICENSES/). */
const LICENCE_FOLDER = /^licen[cs]es$/i;

/** Compare by code units, so the order never depends on the locale. */
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Line endings, trailing spaces and surrounding blank lines removed: texts that differ only there are one text. */
function normaliseText(text) {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** The licence files in `dir` (and in a LICENSES/ folder there), as `{label, text}`, by name. */
function licenceFilesIn(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && LICENCE_FILE.test(entry.name)) {
      found.push(entry.name);
    } else if (entry.isDirectory() && LICENCE_FOLDER.test(entry.name)) {
      for (const inner of fs.readdirSync(path.join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) found.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return found.sort(byText).map((label) => ({ label, text: fs.readFileSync(path.join(dir, label), 'utf8') }));
}

/** The SPDX identifiers of a licence expression (`MIT OR Apache-2.0`, the old `MIT/Apache-2.0`). */
function licenceIds(expression) {
  const ids = expression.split(/[\s()/]+/).filter((token) => token && !/^(AND|OR|WITH)$/.test(token));
  return [...new Set(ids)];
}

/**
 * The standard texts of an expression's licences, the copyright line in place of the text's
 * `Copyright (c) <year> <holders>` placeholder (or above a text that has none).
 */
function standardTexts(expression, copyright, why) {
  return licenceIds(expression).map((id) => {
    const licence = spdx[id];
    if (!licence) throw new Error(`${why}: "${id}" is not an SPDX licence id, so there is no standard text to use`);
    const placeholder = /^Copyright \(c\) <year> <[^>]+>\.?[ \t]*$/m;
    let text = licence.licenseText;
    if (placeholder.test(text)) text = text.replace(placeholder, copyright || 'Copyright (c) its authors');
    else if (copyright) text = `${copyright}\n\n${text}`;
    return { label: `the standard ${id} text`, text };
  });
}

/** `Copyright (c) A, B` from Cargo.toml authors or a package.json author, without e-mail addresses. */
function copyrightOf(authors) {
  const names = authors.map((a) => (typeof a === 'string' ? a : a.name ?? '').replace(/\s*[<(][^>)]*[>)]/g, '').trim()).filter(Boolean);
  return names.length > 0 ? `Copyright (c) ${names.join(', ')}` : '';
}

// ---------------------------------------------------------------------------------------------
// Rust crates

function cargoMetadata() {
  const output = execFileSync('cargo', ['metadata', '--format-version', '1', '--filter-platform', TARGET, '--locked'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output);
}

/** `name version` of each crate `cargo tree` prints for the workspace on the target, with these edges. */
function cargoTree(edges) {
  const output = execFileSync('cargo', ['tree', '--workspace', '--locked', '-e', edges, '--target', TARGET, '--prefix', 'none', '-f', '{p}'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Set(
    output
      .split('\n')
      .map((line) => /^(\S+) v(\S+)/.exec(line))
      .filter(Boolean)
      .map((m) => `${m[1]} ${m[2]}`),
  );
}

/** What `cargo tree` says the build compiles: all normal dependencies, and those not through a proc macro. */
function builtCrates() {
  return { all: cargoTree('normal'), linked: cargoTree('normal,no-proc-macro') };
}

/**
 * Splits the crates `metadata` resolves into those linked into the module (normal dependencies of
 * the workspace members for the target, not through a proc macro), the code generators (proc
 * macros and their own dependencies) and the build dependencies whose data the module carries.
 * cargo metadata unifies features with the dev-dependencies' (so num-traits' `libm` appears), so
 * what `built` (cargo tree, which resolves features as the build does) does not compile is
 * dropped; a crate cargo tree compiles that the walk missed is an error. Refuses a build
 * dependency scripts/third-party-works.cjs does not classify.
 */
function crateSets(metadata, built, buildDependencies = works.BUILD_DEPENDENCIES) {
  const packages = new Map(metadata.packages.map((p) => [p.id, p]));
  const nodes = new Map(metadata.resolve.nodes.map((n) => [n.id, n]));
  const members = new Set(metadata.workspace_members);
  const key = (id) => `${packages.get(id).name} ${packages.get(id).version}`;
  const isProcMacro = (id) => packages.get(id).targets.some((t) => t.kind.includes('proc-macro'));
  const depsOf = (id, kind) => nodes.get(id).deps.filter((d) => d.dep_kinds.some((k) => k.kind === kind)).map((d) => d.pkg);

  const linked = new Set();
  const macros = [];
  const queue = [...members];
  while (queue.length > 0) {
    const id = queue.shift();
    for (const dep of depsOf(id, null)) {
      if (members.has(dep) || linked.has(dep)) continue;
      if (isProcMacro(dep)) {
        macros.push(dep);
        continue;
      }
      linked.add(dep);
      queue.push(dep);
    }
  }
  const generators = new Set();
  const pending = [...macros];
  while (pending.length > 0) {
    const id = pending.shift();
    if (generators.has(id) || linked.has(id) || members.has(id)) continue;
    generators.add(id);
    pending.push(...depsOf(id, null));
  }

  const walked = new Set([...members, ...linked, ...generators].map(key));
  const missed = [...built.all].filter((crate) => !walked.has(crate));
  if (missed.length > 0) throw new Error(`cargo tree compiles ${missed.join(', ')}, which the walk of cargo metadata did not reach`);
  const linkedKeys = new Set([...linked].map(key));
  const misplaced = [...built.linked].filter((crate) => !linkedKeys.has(crate) && ![...members].some((m) => key(m) === crate));
  if (misplaced.length > 0) throw new Error(`cargo tree links ${misplaced.join(', ')}, which the walk of cargo metadata reached only through a proc macro`);

  const buildData = [];
  for (const member of [...members].sort(byText)) {
    for (const dep of depsOf(member, 'build')) {
      const { name } = packages.get(dep);
      const known = buildDependencies[name];
      if (!known) {
        throw new Error(
          `the build dependency ${name} of ${packages.get(member).name} is not in BUILD_DEPENDENCIES of scripts/third-party-works.cjs: ` +
            "say whether build.rs puts anything of it into the module (ships: 'data', listed with its licence) or not (ships: 'none')",
        );
      }
      if (known.ships === 'data' && !buildData.some((b) => b.id === dep)) buildData.push({ id: dep, use: known.use });
    }
  }
  const sorted = (ids) =>
    [...ids]
      .filter((id) => built.all.has(key(id)))
      .map((id) => packages.get(id))
      .sort((a, b) => byText(a.name, b.name) || byText(a.version, b.version));
  return {
    linked: sorted(linked),
    generators: sorted(generators),
    buildData: buildData.map((b) => ({ pkg: packages.get(b.id), use: b.use })).sort((a, b) => byText(a.pkg.name, b.pkg.name)),
  };
}

/** A crate's entry: its licence files, or the standard texts with its Cargo.toml authors. */
function crateEntry(pkg, use) {
  const dir = path.dirname(pkg.manifest_path);
  const texts = licenceFilesIn(dir);
  if (pkg.license_file && !texts.some((t) => t.label === pkg.license_file)) {
    texts.push({ label: pkg.license_file, text: fs.readFileSync(path.join(dir, pkg.license_file), 'utf8') });
  }
  let note = '';
  if (texts.length === 0) {
    const copyright =
      copyrightOf(pkg.authors ?? []) || `Copyright (c) the ${pkg.name} authors (Cargo.toml names none${pkg.repository ? `; ${pkg.repository}` : ''})`;
    texts.push(...standardTexts(pkg.license, copyright, `${pkg.name} ${pkg.version} ships no licence file`));
    note = 'ships no licence file: the standard text of its licence, with the authors of its Cargo.toml';
  }
  return { name: pkg.name, version: pkg.version, licence: pkg.license, texts, note, use };
}

// ---------------------------------------------------------------------------------------------
// npm and PyPI packages

function npmPackageDir(name, base = root) {
  return path.join(base, 'node_modules', ...name.split('/'));
}

/** An installed npm package: its version, licence and licence files (or the standard text). */
function npmPackage(name) {
  const dir = npmPackageDir(name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new Error(`${name} is not installed in node_modules: run \`npm ci\` (scripts/build.sh does) first`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licence = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type;
  let texts = licenceFilesIn(dir);
  let note = '';
  if (texts.length === 0) {
    const authors = [manifest.author, ...(manifest.contributors ?? [])].filter(Boolean);
    texts = standardTexts(licence, copyrightOf(authors), `${name} ${manifest.version} ships no licence file`);
    note = 'ships no licence file: the standard text of the licence its package.json declares';
  }
  return { version: manifest.version, licence, texts, note };
}

let sitePackages;
/** The cookiecutter venv's site-packages (scripts/cookiecutter-venv.sh creates it once, from PyPI). */
function venvSitePackages() {
  if (sitePackages) return sitePackages;
  const run = spawnSync('bash', [path.join(root, 'scripts', 'cookiecutter-venv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`scripts/cookiecutter-venv.sh failed (${run.status}): the Python packages' licence texts come from its venv`);
  const lib = path.join(run.stdout.trim().split('\n').pop(), '..', 'lib');
  const python = fs.readdirSync(lib).find((d) => /^python3/.test(d));
  sitePackages = path.join(lib, python, 'site-packages');
  return sitePackages;
}

/** An installed Python distribution: its version and the licence files its METADATA names. */
function pypiPackage(name) {
  const site = venvSitePackages();
  const wanted = name.toLowerCase().replace(/[-_.]+/g, '_');
  const info = fs.readdirSync(site).find((d) => d.endsWith('.dist-info') && d.toLowerCase().replace(/[-_.]+/g, '_').startsWith(`${wanted}_`) && /^\d/.test(d.slice(wanted.length + 1)));
  if (!info) throw new Error(`${name} is not installed in the cookiecutter venv (${site}): add it to scripts/cookiecutter-requirements.txt`);
  const dir = path.join(site, info);
  const metadata = fs.readFileSync(path.join(dir, 'METADATA'), 'utf8');
  const version = /^Version: (.+)$/m.exec(metadata)[1].trim();
  const named = [...metadata.matchAll(/^License-File: (.+)$/gm)].map((m) => m[1].trim());
  let texts;
  if (named.length > 0) {
    texts = named.map((file) => {
      const at = [path.join(dir, 'licenses', file), path.join(dir, file)].find((p) => fs.existsSync(p));
      if (!at) throw new Error(`${name} ${version}: METADATA names the licence file ${file}, which ${dir} lacks`);
      return { label: file, text: fs.readFileSync(at, 'utf8') };
    });
  } else {
    texts = licenceFilesIn(dir);
  }
  if (texts.length === 0) throw new Error(`${name} ${version} has no licence file in ${dir}: name its licence's standard text in scripts/third-party-works.cjs`);
  return { version, texts, note: '' };
}

/** A work of scripts/third-party-works.cjs with its licence texts; an installed one must be at its version. */
function workEntry(work) {
  let found;
  if (work.text.npm) found = npmPackage(work.text.npm);
  else if (work.text.pypi) found = pypiPackage(work.text.pypi);
  else {
    found = {
      version: work.version,
      texts: standardTexts(work.text.standard, work.text.copyright, work.name),
      note: `not installed here: the standard ${work.text.standard} text${work.text.copyright ? ', with the copyright line of its own licence file' : ''}`,
    };
  }
  if (found.version !== work.version) {
    throw new Error(
      `${work.name} is installed at ${found.version}, but scripts/third-party-works.cjs names ${work.version}: ` +
        'check that what Trellis took from it (its `use`) still holds for that version, then update the entry',
    );
  }
  const origin = work.registry ? `${work.registry}; ${work.licence}` : work.licence;
  return { name: work.name, version: work.version, licence: origin, texts: found.texts, note: found.note, use: work.use };
}

/** The scaffolder modules whose actions schemas/manifest/module-actions.json records (embedded by build.rs). */
function moduleActionPackages() {
  const snapshot = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'manifest', 'module-actions.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'module-actions', 'package-lock.json'), 'utf8'));
  const entries = [snapshot.actions, snapshot.filters, snapshot.globals?.functions, snapshot.globals?.values].flat().filter(Boolean);
  const specs = new Set(entries.map((entry) => entry.package).filter(Boolean));
  return [...specs].sort(byText).map((spec) => {
    const at = spec.lastIndexOf('@');
    const name = spec.slice(0, at);
    const version = spec.slice(at + 1);
    const locked = lock.packages[`node_modules/${name}`];
    if (!locked || locked.version !== version) {
      throw new Error(`schemas/manifest/module-actions.json records ${spec}, but scripts/module-actions/package-lock.json has ${locked ? locked.version : 'no such package'}`);
    }
    return {
      name,
      version,
      licence: `npm; ${locked.license}`,
      texts: standardTexts(locked.license, '', spec),
      note: '',
      use: '',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The file

/** Everything the file lists, as sections of entries (`texts` still unnumbered). */
function collectNotices(metadata = cargoMetadata(), built = builtCrates()) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const crates = crateSets(metadata, built);
  const std = works.RUST_STANDARD_LIBRARY;
  return {
    package: `${manifest.name} ${manifest.version}`,
    sections: [
      {
        title: `Rust crates compiled into pkg/trellis_bg.wasm (${crates.linked.length})`,
        intro: `The normal dependencies of the crates trellis and trellis-engine for ${TARGET} (Cargo.lock). pkg/trellis.js, the JavaScript glue, is generated by wasm-bindgen, listed here.`,
        id: 'linked',
        entries: crates.linked.map((pkg) => crateEntry(pkg, '')),
      },
      {
        title: `Rust crates that generate code compiled into it (${crates.generators.length})`,
        intro: 'Proc macros (serde_derive, wasm-bindgen-macro, …) and the crates they use: they run at compile time and are not linked, but the code they write is in the module.',
        id: 'generators',
        entries: crates.generators.map((pkg) => crateEntry(pkg, '')),
      },
      {
        title: 'Data built into it from build dependencies',
        intro: "What build.rs takes from a crate at build time and puts into the module.",
        id: 'build-data',
        entries: crates.buildData.map(({ pkg, use }) => crateEntry(pkg, use)),
      },
      {
        title: 'The Rust standard library',
        intro: '',
        id: 'std',
        entries: [
          {
            name: std.name,
            version: '',
            licence: std.licence,
            texts: std.texts.flatMap((t) => standardTexts(t.standard, t.copyright, std.name)),
            note: 'the standard texts of its licences',
            use: std.use,
          },
        ],
      },
      {
        title: 'Code ported and data taken from other projects',
        intro:
          'Trellis reproduces what these do so that its checks and renders agree with Backstage and cookiecutter. Each entry says what was taken and where it is; the licence texts are given for all of them, including those whose behaviour alone is followed.',
        id: 'derived',
        entries: works.DERIVED_WORKS.map(workEntry),
      },
      {
        title: 'Scaffolder modules whose action schemas are built into it',
        intro:
          "schemas/manifest/module-actions.json (the actions these modules register, with their schemas and descriptions, recorded by scripts/snapshot-module-actions.cjs) is embedded by build/module_actions.rs, so `trellis check` knows their actions. Each is listed with the licence its package.json declares (as scripts/module-actions/package-lock.json records it) and that licence's standard text.",
        id: 'module-actions',
        entries: moduleActionPackages(),
      },
      {
        title: 'Compiler output in dist/',
        intro: '',
        id: 'compiler',
        entries: works.COMPILER_OUTPUT.map(workEntry),
      },
      {
        title: 'npm dependencies',
        intro: "The `dependencies` of package.json: npm installs them beside this package, each with its own files; they are not bundled in it. The versions are those of package-lock.json.",
        id: 'npm',
        entries: Object.keys(manifest.dependencies ?? {})
          .sort(byText)
          .map((name) => {
            const installed = npmPackage(name);
            return { name, ...installed, licence: `npm; ${installed.licence}`, use: '' };
          }),
      },
    ],
    behaviourOnly: works.BEHAVIOUR_ONLY,
  };
}

/** Words of `text` in lines of at most `width` characters, each starting with `indent`. */
function wrap(text, indent, width = 100) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The file's text: the sections with their entries, then every distinct licence text once. */
function renderNotices(notices) {
  const numbers = new Map(); // text with its whitespace collapsed -> number
  const texts = []; // {text, first, uses}
  const out = [];
  const rule = '-'.repeat(100);

  out.push(`THIRD-PARTY NOTICES for ${notices.package}`, '');
  out.push(
    ...wrap(
      'Trellis itself is licensed under the Apache License 2.0 (LICENSE; NOTICE names the Backstage material it includes). This file lists the third-party works the package contains or was derived from, with their licences. Each entry names its licence texts by number; the texts follow the list, each distinct text once (texts that differ only in line wrapping count as one). Where a work ships no licence file, the standard text of the licence it declares is given (from the SPDX licence list) with the copyright its metadata names, and its entry says so.',
      '',
    ),
    '',
  );
  out.push(...wrap('Written by scripts/third-party-notices.cjs; plugin-wrapper/test/third-party-notices.test.cjs fails when it is out of date.', ''), '');

  notices.sections.forEach((section, index) => {
    out.push(rule, `Part ${index + 1}. ${section.title}`, rule);
    if (section.intro) out.push(...wrap(section.intro, ''), '');
    for (const entry of section.entries) {
      const refs = entry.texts.map((t) => {
        const text = normaliseText(t.text);
        // Texts that differ only in line wrapping or indentation are the same text.
        const same = text.replace(/\s+/g, ' ');
        if (!numbers.has(same)) {
          numbers.set(same, texts.length + 1);
          texts.push({ text, first: `${t.label} of ${[entry.name, entry.version].filter(Boolean).join(' ')}`, uses: 0 });
        }
        texts[numbers.get(same) - 1].uses += 1;
        return `[${numbers.get(same)}] ${t.label}`;
      });
      out.push(`${[entry.name, entry.version].filter(Boolean).join(' ')} (${entry.licence}): ${refs.join(', ')}`);
      if (entry.use) out.push(...wrap(entry.use, '    '));
      if (entry.note) out.push(...wrap(`(${entry.note})`, '    '));
    }
    out.push('');
  });

  out.push(rule, `Part ${notices.sections.length + 1}. Behaviour followed, nothing taken`, rule);
  out.push(...wrap('Trellis also matches the behaviour of these, without code, data or text of theirs:', ''));
  for (const line of notices.behaviourOnly) out.push(...wrap(`- ${line}`, '  ').map((l, i) => (i === 0 ? l.slice(2) : l)));
  out.push('');

  out.push(rule, `Licence texts (${texts.length})`, rule, '');
  texts.forEach((entry, index) => {
    const more = entry.uses > 1 ? `, and ${entry.uses - 1} more above` : '';
    out.push(`[${index + 1}] ${entry.first}${more}`, rule, entry.text, '', '');
  });
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function main() {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? path.resolve(args[outAt + 1]) : OUTPUT;
  const text = renderNotices(collectNotices());
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(process.cwd(), out) || out} (${text.length} bytes)`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}

module.exports = { OUTPUT, cargoMetadata, cargoTree, builtCrates, crateSets, collectNotices, renderNotices, normaliseText, licenceFilesIn, licenceIds };
