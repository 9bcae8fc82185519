#!/usr/bin/env node
// Rewrites one function of the wasm-bindgen glue (pkg/trellis.js; scripts/build.sh runs this
// after wasm-bindgen): how a JavaScript string is copied into wasm memory. wasm-bindgen 0.2.130
// copies it one UTF-16 unit at a time in a JavaScript loop while the text is ASCII, and only then
// switches to `TextEncoder.encodeInto`: about 3 ns a character, against 0.4 for `encodeInto` over
// the whole string (measured on the corpus' contexts and step inputs under Node 20). Every render
// passes a step input's and a context's JSON text this way, so that was over a microsecond a step.
// Here the whole string goes through `encodeInto`, into a block of one byte per UTF-16 unit (all
// of ASCII text fits); text that does not fit is not ASCII, and the rest of it goes into a block
// grown by 3 bytes per unit (UTF-8's most), then shrunk to what was written, as wasm-bindgen does
// from the first non-ASCII character. The bytes and the memory taken are the same as before.
//
// The function's text must be exactly what wasm-bindgen 0.2.130 writes; if it is not (another
// version), the build fails here rather than ship a glue this script does not know.
'use strict';
const fs = require('node:fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/glue-encode-into.cjs pkg/trellis.js');
  process.exit(2);
}

const original = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}`;

const rewritten = `    // encodeInto over the whole string (scripts/glue-encode-into.cjs).
    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;
    let { read, written } = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    if (read !== arg.length) {
        const rest = arg.slice(read);
        ptr = realloc(ptr, len, len = written + rest.length * 3, 1) >>> 0;
        written += cachedTextEncoder.encodeInto(rest, getUint8ArrayMemory0().subarray(ptr + written, ptr + len)).written;
        ptr = realloc(ptr, len, written, 1) >>> 0;
    }
    WASM_VECTOR_LEN = written;
    return ptr;
}`;

const glue = fs.readFileSync(file, 'utf8');
if (glue.includes(rewritten)) process.exit(0);
const at = glue.indexOf(original);
const fn = glue.lastIndexOf('function passStringToWasm0(arg, malloc, realloc) {', at);
if (at < 0 || glue.indexOf(original, at + 1) >= 0 || fn < 0 || at - fn > 400) {
  console.error(`${file}: wasm-bindgen's passStringToWasm0 is not the one scripts/glue-encode-into.cjs rewrites (another wasm-bindgen version?)`);
  process.exit(1);
}
fs.writeFileSync(file, glue.slice(0, at) + rewritten + glue.slice(at + original.length));
