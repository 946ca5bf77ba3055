// `dolly-ci check` (issue 14) against a fake Dolly: the migration files sent in order and byte for byte, the three
// report files and the step summary written exactly, exit 0 pass / 1 fail / 2 error (warn 1 only with --strict),
// a wait that ran out on the server followed by check-finish, and observe mode's start (PG* and DOLLY_CHECK) and finish.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DOLLY_CI, exec, fakeDolly } from './runner.mjs';

const SECRET = 'check-secret-0f3a';
const TRICKY_MD = '❌ **Dolly migration check: fail** — a "quoted" \\n that is not a newline, a tab\there, a bell \u0007,\n'
  + 'a boundary that is not one: ","junit":" and "}, <details>ünïcödé</details>\n';
const JUNIT = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dolly migration check" tests="1" failures="1">\n'
  + '  <testsuite name="dolly-check.shop"><testcase name="V7.sql"><failure message="a &quot;b&quot;">x"}</failure></testcase></testsuite>\n</testsuites>\n';

function box() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dolly-ci-check-'));
  for (const d of ['home', 'tmp', 'out', 'migrations']) fs.mkdirSync(path.join(dir, d));
  return { dir, out: path.join(dir, 'out'), summary: path.join(dir, 'summary.md'), close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function env(b, url, extra = {}) {
  return { PATH: process.env.PATH, HOME: path.join(b.dir, 'home'), TMPDIR: path.join(b.dir, 'tmp'), DOLLY_URL: url, DOLLY_CI_KEY: 'ci-test',
    DOLLY_CI_SECRET: SECRET, GITHUB_STEP_SUMMARY: b.summary, ...extra };
}

/** A check's answer as the webhook orders it: scalars, then findings and statements, then markdown and junit. */
function report(verdict, overrides = {}) {
  return {
    status: 200,
    body: { check: 'chk-0123456789ab', state: 'DONE', verdict, mode: 'files', template: 'shop', clone: 'shop-check-0123456789ab', kept: false,
      durationMs: 5200, cloneMs: 700, totalMs: 6400, message: 'Check chk-0123456789ab: ' + verdict,
      findings: [{ rule: 'require-concurrent-index-creation', severity: 'error', message: 'blocks "writes"' }],
      statements: [{ file: 'V7.sql', line: 1, sql: 'CREATE INDEX i ON orders (customer_id)', durationMs: 4300 }],
      markdown: TRICKY_MD, junit: JUNIT, ...overrides },
  };
}

async function run(b, dolly, args, extra) {
  return exec('bash', [DOLLY_CI, 'check', ...args, '--out', b.out, '--retry-for', '0'], env(b, dolly.url, extra));
}

test('files mode sends the files in version order, byte for byte, and writes the three reports and the step summary', async () => {
  const b = box();
  const files = { 'V10__later.sql': 'ALTER TABLE t ADD COLUMN c int;\n', 'V2__first.sql': "INSERT INTO t VALUES ('it''s', E'a\\\\b\\tc');\n\f-- ünïcödé \"q\"\n",
    'notes.txt': 'not a migration' };
  for (const [n, sql] of Object.entries(files)) fs.writeFileSync(path.join(b.dir, 'migrations', n), sql);
  fs.writeFileSync(b.summary, '# earlier step\n');
  const dolly = await fakeDolly(SECRET, [report('fail')]);
  try {
    const r = await run(b, dolly, ['--template', 'shop', '--dir', path.join(b.dir, 'migrations')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(dolly.requests.length, 1);
    const q = dolly.requests[0];
    assert.ok(q.signed);
    assert.match(q.headers['idempotency-key'], /^dolly-ci-check-shop-[0-9a-f]{16}$/);
    assert.equal(q.body.action, 'check');
    assert.equal(q.body.template, 'shop');
    assert.equal(q.body.wait, true);
    assert.equal(q.body.keep, false);
    assert.deepEqual(q.body.migrations, [{ name: 'V2__first.sql', sql: files['V2__first.sql'] }, { name: 'V10__later.sql', sql: files['V10__later.sql'] }]);
    assert.equal(fs.readFileSync(path.join(b.out, 'dolly-check.md'), 'utf8'), TRICKY_MD);
    assert.equal(fs.readFileSync(path.join(b.out, 'dolly-check.junit.xml'), 'utf8'), JUNIT);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(b.out, 'dolly-check.json'), 'utf8')), report('fail').body);
    assert.equal(fs.readFileSync(b.summary, 'utf8'), '# earlier step\n' + TRICKY_MD + '\n');
    assert.equal(r.stdout, TRICKY_MD.split('\n')[0] + '\n');
  } finally {
    await dolly.close();
    b.close();
  }
});

test('exit status: pass 0, warn 0 (1 with --strict), fail 1, refused or could not run 2', async () => {
  const b = box();
  const f = path.join(b.dir, 'V1.sql');
  fs.writeFileSync(f, 'SELECT 1;');
  const cases = [
    [report('pass'), [], 0], [report('warn'), [], 0], [report('warn'), ['--strict'], 1], [report('fail'), ['--keep'], 1],
    [{ status: 404, body: { error: 'not_found', message: "template: there is no template 'shp'.", field: 'template' } }, [], 2],
    [{ status: 200, body: { check: 'chk-1', state: 'FAILED', mode: 'files', template: 'shop', error: 'the clone did not start' } }, [], 2],
    [{ status: 503, body: { message: 'no healthy host' } }, [], 2],
  ];
  try {
    for (const [answer, extra, code] of cases) {
      const dolly = await fakeDolly(SECRET, [answer]);
      try {
        const r = await run(b, dolly, ['--template', 'shop', '--file', f, ...extra]);
        assert.equal(r.code, code, `${JSON.stringify(answer.body).slice(0, 80)} ${extra}: ${r.stderr}`);
        if (extra.includes('--keep')) assert.equal(dolly.requests[0].body.keep, true);
        if (code === 2 && answer.status === 404) assert.match(r.stderr, /there is no template 'shp'/);
        if (answer.body.state === 'FAILED') {
          assert.match(r.stderr, /the clone did not start/);
          assert.match(fs.readFileSync(path.join(b.out, 'dolly-check.md'), 'utf8'), /could not run/);
        }
      } finally {
        await dolly.close();
      }
    }
    const none = await exec('bash', [DOLLY_CI, 'check', '--template', 'shop'], env(b, 'http://127.0.0.1:9'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs migration files/);
  } finally {
    b.close();
  }
});

test('a wait that ran out on the server is followed by check-finish until the report comes', async () => {
  const b = box();
  const f = path.join(b.dir, 'V1.sql');
  fs.writeFileSync(f, 'SELECT 1;');
  const running = { status: 202, body: { check: 'chk-0123456789ab', state: 'RUNNING', mode: 'files', template: 'shop', message: 'still running' } };
  const dolly = await fakeDolly(SECRET, [running, running, report('pass')]);
  try {
    const r = await run(b, dolly, ['--template', 'shop', '--file', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(dolly.requests.map((q) => q.body.action), ['check', 'check-finish', 'check-finish']);
    assert.equal(dolly.requests[1].body.check, 'chk-0123456789ab');
    assert.equal(dolly.requests[1].headers['idempotency-key'], undefined);
  } finally {
    await dolly.close();
    b.close();
  }
});

test('observe mode: start prints the connection and DOLLY_CHECK for eval; finish reports the check it names', async () => {
  const b = box();
  const started = { status: 201, body: { clone: 'shop-check-0123456789ab', state: 'READY', template: 'shop', snapshot: 's1', host: '127.0.0.1', port: 6042,
    database: 'shop', user: 'dolly', connectionString: 'postgresql://dolly@127.0.0.1:6042/shop', expiresAt: '2026-12-03T03:00:00Z',
    check: 'chk-0123456789ab', checkState: 'OBSERVING', password: 'pw-secret' } };
  const dolly = await fakeDolly(SECRET, [started, report('warn', { mode: 'observe' })]);
  try {
    const s = await run(b, dolly, ['--template', 'shop', '--observe', 'start']);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(dolly.requests[0].body.action, 'check-start');
    assert.ok(dolly.requests[0].headers['idempotency-key']);
    const vars = await exec('bash', ['-c', `eval "$1"; echo "$DOLLY_CHECK $PGHOST $PGPORT $PGPASSWORD"`, 'x', s.stdout], { PATH: process.env.PATH });
    assert.equal(vars.stdout, 'chk-0123456789ab 127.0.0.1 6042 pw-secret\n');
    const f = await run(b, dolly, ['--observe', 'finish', '--strict'], { DOLLY_CHECK: 'chk-0123456789ab' });
    assert.equal(f.code, 1, f.stderr);
    assert.deepEqual(dolly.requests[1].body, { action: 'check-finish', check: 'chk-0123456789ab' });
    assert.equal(fs.readFileSync(path.join(b.out, 'dolly-check.md'), 'utf8'), TRICKY_MD);
  } finally {
    await dolly.close();
    b.close();
  }
});

test('a failed observe start makes eval fail and clears the variables', async () => {
  const b = box();
  const dolly = await fakeDolly(SECRET, [{ status: 403, body: { error: 'forbidden', message: 'Refused: to run migration checks on template' } }]);
  try {
    const s = await run(b, dolly, ['--template', 'shop', '--observe', 'start']);
    assert.equal(s.code, 2);
    assert.match(s.stdout, /unset .*DOLLY_CHECK.*; false/);
  } finally {
    await dolly.close();
    b.close();
  }
});
