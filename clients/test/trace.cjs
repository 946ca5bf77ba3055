// Preloaded into the action's process by the test runner (node --require): records, in order, what it
// writes to stdout and appends to files, so a test can prove ::add-mask:: came before any write.
'use strict';
const fs = require('node:fs');
const file = process.env.DOLLY_TRACE;
if (file) {
  const record = (e) => fs.appendFileSync(file, `${JSON.stringify(e)}\n`);
  const append = fs.appendFileSync;
  fs.appendFileSync = function (p, data, ...rest) {
    if (p !== file) append(file, `${JSON.stringify({ kind: 'append', path: String(p), data: String(data) })}\n`);
    return append.call(this, p, data, ...rest);
  };
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => { record({ kind: 'stdout', data: String(chunk) }); return write(chunk, ...rest); };
}
