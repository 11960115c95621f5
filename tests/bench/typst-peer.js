// typst-peer.js MODULE_DIR FONT_DIR SOURCE.typ OUT.pdf: sets SOURCE.typ with
// Typst (the native addon @myriaddreamin/typst-ts-node-compiler installed
// in MODULE_DIR) using only the fonts in FONT_DIR, and writes the PDF.  One
// run of this whole process is the Typst peer of tests/bench.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const [moduleDir, fontDir, source, out] = process.argv.slice(2);
const { NodeCompiler } = require(path.resolve(moduleDir, 'node_modules', '@myriaddreamin', 'typst-ts-node-compiler'));
const compiler = NodeCompiler.create({
    workspace: path.dirname(path.resolve(source)),
    fontArgs: [{ fontPaths: [path.resolve(fontDir)] }],
});
const pdf = compiler.pdf({ mainFilePath: path.resolve(source) });
fs.writeFileSync(out, pdf);
