'use strict';
// Dolly's GitHub Action, `action: check`: the migration check (issue 14; docs/migration-check.md). Files mode runs
// the migration files (input `files`, one path per line, in that order; or every *.sql of `dir` in version order) on
// a full-size clone of `template`; the report is written to dolly-check.md, dolly-check.json and
// dolly-check.junit.xml, appended to the step summary, and the step fails on a "fail" verdict (and on "warn" with
// `strict: true`). Outputs: check, verdict, report (the markdown file's path).
const fs = require('node:fs');
const path = require('node:path');

function migrationFiles(d) {
  const files = d.input('files').split('\n').map((f) => f.trim()).filter(Boolean);
  const dir = d.input('dir');
  if (dir) {
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.sql'))
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    files.push(...names.map((n) => path.join(dir, n)));
  }
  if (files.length === 0) throw new d.ActionError('input files or dir: the migration files to check are missing');
  return files.map((f) => ({ name: path.basename(f), sql: fs.readFileSync(f, 'utf8') }));
}

async function check(d, s) {
  const template = d.input('template');
  if (!template) throw new d.ActionError('input template: required for check');
  const body = { action: 'check', template, migrations: migrationFiles(d), keep: d.bool('keep', false), wait: true };
  if (d.input('snapshot')) body.snapshot = d.input('snapshot');
  const idempotencyKey = d.input('idempotency-key') || d.defaultIdempotencyKey('check', template);
  let { status, answer } = await d.call({ ...s, body, idempotencyKey });
  // a 202: the wait ran out on the server; check-finish waits for the same check
  while (status === 202 && answer && answer.state === 'RUNNING') {
    d.info(`Check ${answer.check} is still running; waiting for its report.`);
    ({ status, answer } = await d.call({ ...s, body: { action: 'check-finish', check: answer.check }, idempotencyKey: null }));
  }
  if (status < 200 || status > 299) throw d.refused('check', status, answer);
  const out = d.input('out') || '.';
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'dolly-check.json'), `${JSON.stringify(answer)}\n`);
  const markdown = answer.markdown
    || `❔ **Dolly migration check could not run** (check ${answer.check}, state ${answer.state}): ${answer.error || ''} ${answer.message || ''}\n`;
  fs.writeFileSync(path.join(out, 'dolly-check.md'), markdown);
  if (answer.junit) fs.writeFileSync(path.join(out, 'dolly-check.junit.xml'), answer.junit);
  d.summary(`${markdown}\n`);
  d.setOutput('check', d.safe('check', answer.check || ''));
  d.setOutput('verdict', d.safe('verdict', answer.verdict || 'error'));
  d.setOutput('report', path.join(out, 'dolly-check.md'));
  d.info(markdown.split('\n')[0]);
  if (!answer.verdict) throw new d.ActionError(`the check did not finish: ${answer.error || answer.state}`);
  if (answer.verdict === 'fail' || (answer.verdict === 'warn' && d.bool('strict', false))) {
    throw new d.ActionError(`migration check: ${answer.verdict} (see the job summary, dolly-check.md)`);
  }
}

module.exports = { check, migrationFiles };
