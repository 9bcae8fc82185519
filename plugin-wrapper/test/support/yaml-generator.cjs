'use strict';
// A seeded (deterministic) generator of YAML documents for the YAML differential test: random
// trees written out in every style the YAML 1.2 grammar offers, covering what templates and
// their pre-processors produce and what the catalog's parser treats specially: block and flow
// collections, plain/quoted/block scalars, core-schema numbers, booleans and nulls (and their
// YAML 1.1 look-alikes), collection keys (`{{ host }}` placeholders, `? [a, b]`), duplicate
// keys, `<<` keys, tags, anchors and aliases, comments, empty values, BOM, CRLF and CR-only line
// breaks, multi-document streams, directives; some documents are then mutated (a character
// dropped, inserted or a line re-indented) so that refusals are compared too. The same seed
// always yields the same list.

const { prng } = require('./syntax-generator.cjs');

/** Scalar texts by kind; every one is tried plain and quoted. */
const SCALARS = {
  words: [
    'hello', 'foo bar', 'a-b_c', 'Service', 'x', 'é-ü', 'emoji 😀 here', 'it\'s', 'say "hi"', 'a # not a comment',
    'a#b', 'k: v', 'a:b', 'http://example.com/x?y=1', '${{ parameters.name }}', '${{ parameters.x | lower }}',
    '{{ cookiecutter.project_slug }}', '{{ host }}', 'a, b', '[x]', '{y}', 'trailing ', ' leading', 'two  spaces',
    '-', '?', ':', '- x', '? x', '@at', '`tick', '%pct', '!bang', '&amp', '*star', '|', '>', "'", '"', '#', '<<', '=',
    '---', '...', 'line\nbreak', 'two\n\nbreaks', 'tab\there', 'back\\slash', 'nul\u0000', 'bell\u0007', 'del\u007f',
    'nbsp\u00a0x', 'ls\u2028x', 'x'.repeat(90), 'word '.repeat(25).trim(),
  ],
  numbers: [
    '0', '-0', '42', '+12', '007', '0o17', '0o8', '0x1F', '0xff', '0xg', '0x', '1.5', '.5', '5.', '-.5', '1e3', '1E-3',
    '-1.5e+10', '1.0', '1.50', '0.1', '3.14159', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '1_000', '0b101',
    '12345678901234567890', '9007199254740993', '-9007199254740993', '1e400', '-1e400', '2e-400', '190:20:30',
    '0xFFFFFFFFFFFFFFFFFFFF', '1e', 'e1', '+', '-.', '.', '1.2.3', '1,000', '00', '-0.0', '+0.5e-2',
  ],
  booleans: [
    'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'Y',
  ],
  nulls: ['null', 'Null', 'NULL', 'nULL', '~', ''],
  dates: ['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2002-12-14 21:59:43.10 -5'],
  base64: ['aGVsbG8=', 'aGVs bG8', 'a=b', '8J+YgA=='],
};
const SCALAR_KINDS = Object.keys(SCALARS);

const TAGS = [
  '!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq', '!custom', '!', '!<tag:yaml.org,2002:str>',
  '!!timestamp', '!!binary', '!!set', '!!omap', '!!pairs',
];

/** A random generator of YAML texts with its own PRNG. */
function makeGenerator(seed) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (p) => random() < p;
  const int = (n) => Math.floor(random() * n);

  /** A random tree: {kind: 'scalar'|'seq'|'map'|'alias', …} with optional anchor and tag. */
  function tree(depth, anchors) {
    let node;
    const roll = random();
    if (anchors.length > 0 && chance(0.08)) {
      node = { kind: 'alias', name: chance(0.04) ? 'nowhere' : pick(anchors) };
      return node;
    }
    if (depth <= 0 || roll < 0.45) {
      const kind = pick(SCALAR_KINDS);
      node = { kind: 'scalar', text: pick(SCALARS[kind]) };
    } else if (roll < 0.7) {
      node = { kind: 'seq', items: Array.from({ length: int(4) }, () => tree(depth - 1, anchors)) };
    } else {
      node = { kind: 'map', entries: entries(depth, anchors) };
    }
    if (chance(0.07)) node.tag = chance(0.03) ? '!e!thing' : pick(TAGS);
    if (chance(0.1)) {
      node.anchor = chance(0.3) && anchors.length ? pick(anchors) : `a${anchors.length}`;
      // The alias may only follow the anchored node: registered once the node is written.
      node.registers = true;
    }
    return node;
  }

  function entries(depth, anchors) {
    const count = int(5);
    const out = [];
    for (let i = 0; i < count; i += 1) {
      let key;
      const roll = random();
      if (roll < 0.06) {
        key = { kind: 'flowkey', text: pick(['{{ host }}', '{a: 1}', '[a, b]', '{ x }', '[]', '{}', '[ {{ y }} ]', '{a: [1, 2]}', '[1, "two", 3.0, true, ~]', `[${'item, '.repeat(20)}end]`]) };
      } else if (roll < 0.09) {
        key = { kind: 'explicit', node: tree(1, anchors) };
      } else if (roll < 0.14 && out.length) {
        key = { kind: 'scalar', text: pick(out).key.text ?? 'k' };
      } else if (roll < 0.18) {
        key = { kind: 'scalar', text: pick(['1', '1.0', '01', '"1"', 'null', '~', '', 'true', '"true"', '0x1', '.inf', '.nan', '-0', '1e3']) , raw: true };
      } else if (roll < 0.21) {
        key = { kind: 'scalar', text: '<<', raw: true };
      } else if (roll < 0.205) {
        key = { kind: 'scalar', text: 'k'.repeat(1030) };
      } else if (roll < 0.25 && anchors.length) {
        key = { kind: 'alias', name: pick(anchors) };
      } else {
        const name = pick(['name', 'owner', 'type', 'steps', 'id', 'action', 'input', 'url', 'values', 'a', 'b', 'c', 'key with space', 'ключ', 'x.y', '$yaml', 'x-1']);
        // Unique unless a duplicate is meant (above).
        key = { kind: 'scalar', text: out.some((e) => e.key.text === name) ? `${name}${out.length}` : name };
      }
      out.push({ key, value: tree(depth - 1, anchors) });
    }
    return out;
  }

  const PLAIN_UNSAFE = /^[-?:,[\]{}#&*!|>'"%@`]|^$|[:#]\s|\s#|:$|^\s|\s$|\n|\t/;

  function doubleQuoted(text) {
    let out = '"';
    for (const ch of text) {
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += pick(['\\\\', '\\\\']);
      else if (ch === '\n') out += chance(0.5) ? '\\n' : '\n\n';
      else if (ch === '\t') out += chance(0.5) ? '\\t' : '\t';
      else if (ch === '\u0000') out += '\\0';
      else if (ch === '\u0007') out += '\\a';
      else if (ch === '\u007f') out += '\\x7F';
      else if (ch === '\u00a0') out += '\\_';
      else if (ch === '\u2028') out += '\\L';
      else if (ch === 'é' && chance(0.5)) out += '\\u00e9';
      else if (ch === '😀' && chance(0.5)) out += '\\U0001F600';
      else if (ch === '/' && chance(0.3)) out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  }

  function singleQuoted(text, indent) {
    return `'${text.replace(/'/g, "''").replace(/\n/g, `\n\n${indent}`)}'`;
  }

  /** A scalar in some style; `inFlow` excludes block scalars; `indent` is the current one. */
  function scalarText(text, indent, inFlow, isKey) {
    const styles = ['plain', 'plain', 'single', 'double'];
    if (!inFlow && !isKey) styles.push('literal', 'folded');
    const style = pick(styles);
    if (style === 'plain' && (chance(0.9) ? !PLAIN_UNSAFE.test(text) : true) && !(inFlow && /[[\]{},]/.test(text) && chance(0.8))) {
      if (text.includes('\n')) return text.replace(/\n/g, `\n\n${indent}  `);
      return text;
    }
    if (style === 'single') return singleQuoted(text, indent);
    if (style === 'literal' || style === 'folded') {
      const chomp = pick(['', '-', '+']);
      const indicator = chance(0.15) ? '2' : '';
      const head = (style === 'literal' ? '|' : '>') + (chance(0.5) ? indicator + chomp : chomp + indicator);
      const pad = indicator ? `${indent}  ` : `${indent}  `;
      const body = (text === '' ? [] : text.split('\n')).map((line) => (line === '' ? '' : pad + line));
      const trailing = chomp === '+' && chance(0.5) ? '\n' : '';
      return `${head}\n${body.join('\n')}${trailing}`;
    }
    return doubleQuoted(text);
  }

  function props(node) {
    const parts = [];
    if (node.anchor && chance(0.5)) parts.push(`&${node.anchor}`);
    if (node.tag) parts.push(node.tag);
    if (node.anchor && !parts.includes(`&${node.anchor}`)) parts.unshift(`&${node.anchor}`);
    return parts.join(' ');
  }

  /** A node in flow style. */
  function flow(node, indent, anchors) {
    const p = props(node);
    const pre = p ? `${p} ` : '';
    let text;
    if (node.kind === 'alias') return `*${node.name}`;
    if (node.kind === 'scalar') text = scalarText(node.text, indent, true, false);
    else if (node.kind === 'seq') text = `[${node.items.map((item) => flow(item, indent, anchors)).join(pick([', ', ',', ' , ', ',\n' + indent + '  ']))}${chance(0.1) ? ',' : ''}]`;
    else {
      const parts = node.entries.map(({ key, value }) => {
        const k = flowKey(key, indent, anchors);
        if (value.kind === 'scalar' && value.text === '' && chance(0.3) && !value.tag && !value.anchor) return k;
        return `${k}: ${flow(value, indent, anchors)}`;
      });
      text = `{${chance(0.5) ? ' ' : ''}${parts.join(', ')}${chance(0.5) ? ' ' : ''}}`;
    }
    if (node.registers) anchors.push(node.anchor);
    return pre + text;
  }

  function flowKey(key, indent, anchors) {
    if (key.kind === 'flowkey') return key.text;
    if (key.kind === 'alias') return `*${key.name} `;
    if (key.kind === 'explicit') return `? ${flow(key.node, indent, anchors)}`;
    if (key.raw) return key.text;
    return scalarText(key.text, indent, true, true);
  }

  /** Lines of a node written in block style at `indent`, after `lead` (`key:` or `-`). */
  function block(node, indent, lead, anchors) {
    const p = props(node);
    if (node.kind === 'alias') return `${lead} *${node.name}`;
    if (node.kind === 'scalar' || chance(0.15)) {
      const text = node.kind === 'scalar' ? scalarText(node.text, indent, false, false) : flow({ ...node, anchor: undefined, tag: undefined, registers: false }, indent, anchors);
      if (node.registers) anchors.push(node.anchor);
      const sep = text === '' && !p ? '' : ' ';
      return `${lead}${p ? ` ${p}` : ''}${sep}${text}`;
    }
    const inner = `${indent}  `;
    const lines = [];
    if (node.kind === 'seq') {
      if (node.items.length === 0) {
        if (node.registers) anchors.push(node.anchor);
        return `${lead}${p ? ` ${p}` : ''} []`;
      }
      const sameIndent = lead.endsWith(':') && chance(0.4);
      const itemIndent = sameIndent ? indent : inner;
      for (const item of node.items) lines.push(block(item, itemIndent, `${itemIndent}-`, anchors));
    } else {
      if (node.entries.length === 0) {
        if (node.registers) anchors.push(node.anchor);
        return `${lead}${p ? ` ${p}` : ''} {}`;
      }
      for (const { key, value } of node.entries) {
        if (chance(0.05)) lines.push(`${inner}# a comment`);
        if (chance(0.05)) lines.push('');
        lines.push(blockEntry(key, value, inner, anchors));
      }
    }
    if (node.registers) anchors.push(node.anchor);
    const head = `${lead}${p ? ` ${p}` : ''}`;
    // A compact collection after `-` on the same line.
    if (lead.trimStart().startsWith('-') && !p && chance(0.5)) {
      const first = lines[0].slice(lead.length - lead.trimStart().length + 2);
      return [`${lead} ${first.trimStart()}`, ...lines.slice(1)].join('\n');
    }
    return [head, ...lines].join('\n');
  }

  function blockEntry(key, value, indent, anchors) {
    if (key.kind === 'explicit') {
      const k = block(key.node, `${indent}  `, `${indent}?`, anchors);
      return `${k}\n${block(value, indent, `${indent}:`, anchors)}`;
    }
    let k;
    if (key.kind === 'flowkey') k = key.text;
    else if (key.kind === 'alias') k = `*${key.name} `;
    else if (key.raw) k = key.text;
    else k = scalarText(key.text, indent, true, true);
    return block(value, indent, `${indent}${k}:`, anchors);
  }

  function documentText() {
    const anchors = [];
    const root = chance(0.8) ? { kind: 'map', entries: entries(4, anchors) } : tree(3, anchors);
    if (root.kind === 'alias') return '*x';
    if (root.kind === 'scalar') return scalarText(root.text, '', false, false);
    const body = block(root, '', '', anchors);
    // The root's own lead is empty: drop the leading line (it holds only props).
    const lines = body.split('\n');
    if (lines[0].trim() === '' || /^\s*(&\S+|!\S*)(\s+(&\S+|!\S*))*$/.test(lines[0])) {
      if (lines[0].trim() !== '' && chance(0.5)) return `--- ${lines[0].trim()}\n${lines.slice(1).map((l) => l.replace(/^ {2}/, '')).join('\n')}`;
      return lines.slice(1).map((l) => l.replace(/^ {2}/, '')).join('\n');
    }
    return body.replace(/^ /, '');
  }

  function stream() {
    const parts = [];
    const docs = chance(0.75) ? 1 : 1 + int(3);
    for (let i = 0; i < docs; i += 1) {
      let text = chance(0.05) ? '' : documentText();
      if (chance(0.03)) text = `%YAML 1.2\n---\n${text}`;
      else if (chance(0.02)) text = `%TAG !e! tag:example.com,2000:\n---\n${text}`;
      else if (i > 0 || chance(0.2)) text = `---${text.startsWith('\n') || text === '' ? '' : '\n'}${text}`;
      if (chance(0.1)) text += '\n...';
      if (chance(0.1)) text = `# leading comment\n${text}`;
      parts.push(text);
    }
    let text = parts.join('\n') + (chance(0.8) ? '\n' : '');
    if (chance(0.15)) text = mutate(text);
    const breaks = random();
    if (breaks < 0.1) text = text.replace(/\n/g, '\r\n');
    else if (breaks < 0.14) text = text.replace(/\n/g, '\r');
    if (chance(0.04)) text = `\ufeff${text}`;
    return text;
  }

  function mutate(text) {
    const at = int(text.length + 1);
    const roll = random();
    if (roll < 0.3) return text.slice(0, at) + text.slice(at + 1);
    if (roll < 0.7) return text.slice(0, at) + pick([':', '-', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '\t', ' ', '\n', '? ', ': ', '- ']) + text.slice(at);
    const lines = text.split('\n');
    const line = int(lines.length);
    lines[line] = chance(0.5) ? ` ${lines[line]}` : lines[line].replace(/^ /, '');
    return lines.join('\n');
  }

  return { stream };
}

/** `count` YAML texts from `seed`. */
function generateYamlDocuments(count, seed = 20240611) {
  const generator = makeGenerator(seed);
  return Array.from({ length: count }, (_, index) => ({ id: `generated #${index}`, source: generator.stream() }));
}

module.exports = { generateYamlDocuments, SCALARS, TAGS };
