// clients/github-action with `action: check` (issue 14), run the way the GitHub runner runs it, against a fake Dolly:
// the files sent in order, the reports written, the summary appended, the outputs set, a 202 followed by
// check-finish, and the step failing on a fail verdict (and on warn with strict).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Job, fakeDolly } from './runner.mjs';

const SECRET = 'gh-check-secret';
const MD = '❌ **Dolly migration check: fail** — 1 finding\n<details>…</details>\n';
const answer = (verdict) => ({
  status: 200,
  body: { check: 'chk-0123456789ab', state: 'DONE', verdict, mode: 'files', template: 'shop', clone: 'shop-check-0123456789ab', kept: false,
    durationMs: 10, findings: [], statements: [], markdown: MD, junit: '<?xml version="1.0"?><testsuites/>\n' },
});

function migrations(job) {
  const dir = path.join(job.dir, 'db');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'V10__b.sql'), 'SELECT 10;');
  fs.writeFileSync(path.join(dir, 'V9__a.sql'), 'SELECT 9;');
  return dir;
}

test('check sends the files in version order, writes the reports and the summary, and fails on fail', async () => {
  const running = { status: 202, body: { check: 'chk-0123456789ab', state: 'RUNNING', message: 'still running' } };
  const dolly = await fakeDolly(SECRET, [running, answer('fail')]);
  const job = new Job();
  try {
    const dir = migrations(job);
    const out = path.join(job.dir, 'out');
    const r = await job.step('main.js', { url: dolly.url, key: 'ci-test', secret: SECRET, action: 'check', template: 'shop', dir, out });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /::error::migration check: fail/);
    assert.deepEqual(dolly.requests[0].body.migrations, [{ name: 'V9__a.sql', sql: 'SELECT 9;' }, { name: 'V10__b.sql', sql: 'SELECT 10;' }]);
    assert.ok(dolly.requests[0].headers['idempotency-key']);
    assert.deepEqual(dolly.requests[1].body, { action: 'check-finish', check: 'chk-0123456789ab' });
    assert.equal(fs.readFileSync(path.join(out, 'dolly-check.md'), 'utf8'), MD);
    assert.ok(fs.existsSync(path.join(out, 'dolly-check.junit.xml')));
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'dolly-check.json'), 'utf8')).verdict, 'fail');
    assert.equal(r.raw.GITHUB_STEP_SUMMARY, `${MD}\n`);
    assert.equal(r.outputs.verdict, 'fail');
    assert.equal(r.outputs.check, 'chk-0123456789ab');
  } finally {
    await dolly.close();
    job.close();
  }
});

test('warn passes, unless strict', async () => {
  for (const [strict, code] of [['false', 0], ['true', 1]]) {
    const dolly = await fakeDolly(SECRET, [answer('warn')]);
    const job = new Job();
    try {
      const r = await job.step('main.js', { url: dolly.url, key: 'ci-test', secret: SECRET, action: 'check', template: 'shop',
        files: `${migrations(job)}/V9__a.sql\n`, strict, out: path.join(job.dir, 'out') });
      assert.equal(r.code, code, `strict ${strict}: ${r.stdout}`);
      assert.equal(r.outputs.verdict, 'warn');
    } finally {
      await dolly.close();
      job.close();
    }
  }
});
