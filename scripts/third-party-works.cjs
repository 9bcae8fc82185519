'use strict';
/**
 * What THIRD-PARTY-NOTICES lists besides what cargo metadata and package.json say by themselves:
 * the works Trellis ported code or took data, lists or messages from (as the comments of the files
 * named in `files` say), the build dependencies and what the module gets from each, the Rust
 * standard library, and what tsc writes into dist/. scripts/third-party-notices.cjs reads it;
 * plugin-wrapper/test/third-party-notices.test.cjs holds `files` against the sources.
 *
 * `text` says where a licence text comes from: `{ npm }` the installed package (root node_modules),
 * `{ pypi }` the cookiecutter venv (scripts/cookiecutter-venv.sh, pinned versions), `{ standard,
 * copyright }` the SPDX licence list's standard text with that copyright line (for a work that is
 * not installed here). An installed package must have `version`, so an upgrade is reviewed here.
 */

/** Code ported and data, lists or messages taken from other projects. */
const DERIVED_WORKS = [
  {
    name: 'isbinaryfile',
    version: '5.0.7',
    registry: 'npm',
    licence: 'MIT',
    text: { npm: 'isbinaryfile' },
    use: "its isBinaryFile(buffer) test, which fetch:template copies files by, ported step by step (`is_binary` in src/fetch_template.rs)",
    files: ['src/fetch_template.rs'],
  },
  {
    name: 'jsonschema',
    version: '1.5.0',
    registry: 'npm',
    licence: 'MIT',
    text: { npm: 'jsonschema' },
    use: "its `format` checks: its regular expressions, rewritten in Rust's syntax (src/params/formats.rs)",
    files: ['src/params/formats.rs'],
  },
  {
    name: '@backstage/plugin-scaffolder-common',
    version: '2.4.0',
    registry: 'npm',
    licence: 'Apache-2.0',
    text: { npm: '@backstage/plugin-scaffolder-common' },
    use: '`resolveParameterSteps` (which form pages show and which values hidden pages drop), ported in src/params/visibility.rs; the Template v1beta3 JSON Schema (schemas/entity/, built into the module; see NOTICE)',
    files: ['src/params/visibility.rs', 'schemas/entity/README.md'],
  },
  {
    name: '@backstage/catalog-model',
    version: '1.10.3',
    registry: 'npm',
    licence: 'Apache-2.0',
    text: { npm: '@backstage/catalog-model' },
    use: 'the Entity JSON Schemas (schemas/entity/, built into the module; see NOTICE) and the rules of `parseEntityRef` (engine/src/engine/backstage.rs)',
    files: ['schemas/entity/README.md', 'engine/src/engine/backstage.rs'],
  },
  {
    name: '@backstage/plugin-scaffolder-backend',
    version: '4.3.0',
    registry: 'npm',
    licence: 'Apache-2.0',
    text: { npm: '@backstage/plugin-scaffolder-backend' },
    use: "the built-in actions' schemas, descriptions and examples and its filters' metadata (schemas/manifest/backstage-scaffolder-4.3.0.json, built into the module, and schemas/template.schema.json; see NOTICE), and the behaviour and error texts of its filters parseRepoUrl, parseEntityRef, pick and projectSlug (engine/src/engine/backstage.rs)",
    files: ['src/manifest.rs', 'engine/src/engine/backstage.rs'],
  },
  {
    name: 'nunjitsu',
    version: '0.7.0',
    registry: 'npm',
    licence: 'MIT',
    text: { npm: 'nunjitsu' },
    use: "Backstage's template engine: engine/src/engine/ follows its grammar, scoping and filters and takes the lists of its built-in names (builtins.rs) and of the methods it allows (methods.rs); the code is Trellis' own, checked against Nunjitsu by plugin-wrapper/test/render-parity.test.cjs",
    files: ['engine/src/engine/mod.rs', 'engine/src/engine/builtins.rs', 'engine/src/engine/methods.rs'],
  },
  {
    name: 'nunjucks',
    version: '3.2.4',
    registry: 'npm',
    licence: 'BSD-2-Clause',
    text: { standard: 'BSD-2-Clause', copyright: 'Copyright (c) 2012, James Long' },
    use: 'the language Nunjitsu implements: the list of its built-in filters, tests and globals (engine/src/engine/builtins.rs) and the behaviour of its filters (engine/src/engine/filters.rs)',
    files: ['engine/src/engine/builtins.rs', 'engine/src/engine/filters.rs'],
  },
  {
    name: 'binaryornot',
    version: '0.6.0',
    registry: 'PyPI',
    licence: 'MIT',
    text: { pypi: 'binaryornot' },
    use: "its is_binary test, which cookiecutter renders files by: its extension and signature lists and its decision tree, generated from the package by scripts/cookiecutter-binaryornot-data.py into src/cookiecutter/binary_data.rs and applied by src/cookiecutter/binary.rs",
    files: ['src/cookiecutter/binary.rs', 'src/cookiecutter/binary_data.rs'],
  },
  {
    name: 'Python',
    version: '3.11.7',
    registry: '',
    licence: 'PSF-2.0',
    text: { standard: 'PSF-2.0', copyright: '' },
    use: "which bytes and byte pairs its big5, shift_jis and euc_kr codecs decode (recorded in src/cookiecutter/binary_data.rs for binaryornot's tree), and the behaviour of the str methods, `%` formatting and float repr that src/cookiecutter/python.rs follows",
    files: ['src/cookiecutter/binary_data.rs', 'src/cookiecutter/python.rs'],
  },
  {
    name: 'python-slugify',
    version: '9.2.0',
    registry: 'PyPI',
    licence: 'MIT',
    text: { pypi: 'python-slugify' },
    use: "its slugify (the default pipeline), which cookiecutter's `slugify` filter runs, step by step in src/cookiecutter/slugify.rs",
    files: ['src/cookiecutter/slugify.rs'],
  },
  {
    name: 'text-unidecode',
    version: '1.3',
    registry: 'PyPI',
    licence: 'Artistic License OR GPL (its LICENSE.txt)',
    text: { pypi: 'text-unidecode' },
    use: "its transliteration table, python-slugify's fallback: the code points where it differs from the unidecode crate's (`TEXT_UNIDECODE_DIFFERS` in build/unidecode.rs, built into the module)",
    files: ['build/unidecode.rs', 'src/cookiecutter/slugify.rs'],
  },
  {
    name: 'cookiecutter',
    version: '2.7.1',
    registry: 'PyPI',
    licence: 'BSD-3-Clause',
    text: { pypi: 'cookiecutter' },
    use: 'src/cookiecutter/ renders cookiecutter templates by its rules (context, names, copy without rendering, newlines, `{% now %}`) and repeats some of its messages; the code is Trellis\' own, checked against cookiecutter by plugin-wrapper/test/cookiecutter-parity.test.cjs',
    files: ['src/cookiecutter/mod.rs'],
  },
  {
    name: 'arrow',
    version: '1.4.0',
    registry: 'PyPI',
    licence: 'Apache-2.0',
    text: { pypi: 'arrow' },
    use: "`shift` as cookiecutter's `{% now %}` calls it, and its message for non-integer years and months (src/cookiecutter/clock.rs)",
    files: ['src/cookiecutter/clock.rs'],
  },
];

/**
 * Every build dependency of the workspace's crates, and what the module gets from it: `data` (what
 * build.rs takes from it is built into the module, so it is listed with its licence) or `none`.
 * The generator refuses a build dependency missing here.
 */
const BUILD_DEPENDENCIES = {
  unidecode: {
    ships: 'data',
    use: "its transliteration table (Text::Unidecode's data), packed into the module by build/unidecode.rs for cookiecutter's `slugify`",
  },
  serde_json: { ships: 'none', use: 'build/module_actions.rs parses and rewrites JSON with it' },
};

/** The Rust standard library, which every Rust binary links. */
const RUST_STANDARD_LIBRARY = {
  name: 'Rust standard library',
  licence: '(Apache-2.0 OR MIT) AND Unicode-3.0',
  texts: [
    { standard: 'Apache-2.0', copyright: '' },
    { standard: 'MIT', copyright: 'Copyright (c) The Rust Project Developers' },
    { standard: 'Unicode-3.0', copyright: '' },
  ],
  use: "core, alloc and std of the Rust toolchain, compiled into the module (core's Unicode tables under Unicode-3.0). The toolchain's share/doc/rust/COPYRIGHT-library.html lists the crates the standard library is itself built from, with their notices.",
};

/** Code tsc writes into dist/ (its module-interop helpers). */
const COMPILER_OUTPUT = [
  {
    name: 'typescript',
    version: '5.9.3',
    registry: 'npm',
    licence: 'Apache-2.0',
    text: { npm: 'typescript' },
    use: 'the helper functions tsc writes into dist/*.js (`__createBinding`, `__importStar`, `__importDefault`, …)',
    files: ['package.json'],
  },
];

/** Projects whose behaviour Trellis matches without taking code, data or text from them. */
const BEHAVIOUR_ONLY = [
  'globby and fast-glob (copyWithoutTemplating and glob semantics, src/fetch_template.rs)',
  'Node.js (path.extname, lossy UTF-8 decoding)',
  'Jinja2 (through minijinja, listed above)',
  'yaml (npm; YAML 1.2 as Backstage loads templates, through saphyr)',
];

module.exports = { DERIVED_WORKS, BUILD_DEPENDENCIES, RUST_STANDARD_LIBRARY, COMPILER_OUTPUT, BEHAVIOUR_ONLY };
