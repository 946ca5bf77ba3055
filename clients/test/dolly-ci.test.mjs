// clients/dolly-ci against a fake Dolly: the secret never on a command line, private stamp files, eval that
// fails when create fails, values with newlines refused, retries that honour Retry-After up to --retry-for.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DOLLY_CI, created, exec, fakeDolly } from './runner.mjs';

const SECRET = 'ci-secret-that-must-stay-off-argv-4f1c';

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dolly-ci-test-'));
  const home = path.join(dir, 'home'); const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(home); fs.mkdirSync(tmp);
  return { dir, home, tmp, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function env(box, url, extra = {}) {
  return { PATH: process.env.PATH, HOME: box.home, TMPDIR: box.tmp, DOLLY_URL: url, DOLLY_CI_KEY: 'ci-test', DOLLY_CI_SECRET: SECRET, ...extra };
}

test('the secret never appears in the command line of any process dolly-ci starts', async () => {
  const box = sandbox();
  // every external command dolly-ci may run is wrapped: the wrapper records /proc/<its pid>/cmdline
  const shims = path.join(box.dir, 'shims'); fs.mkdirSync(shims);
  const log = path.join(box.dir, 'cmdlines');
  const realPath = async (cmd) => (await exec('bash', ['-c', `command -v ${cmd}`], { PATH: process.env.PATH })).stdout.trim();
  const tr = await realPath('tr');
  for (const cmd of ['openssl', 'curl', 'od', 'tr', 'date', 'cat', 'cut', 'sed', 'mktemp', 'mv', 'rm', 'mkdir', 'chmod', 'wc', 'sleep', 'id', 'tail']) {
    // the wrapper calls only absolute paths (never itself through PATH)
    fs.writeFileSync(path.join(shims, cmd),
      `#!/bin/bash\n{ ${tr} '\\0' ' ' </proc/$$/cmdline; echo; } >>'${log}'\nexec ${await realPath(cmd)} "$@"\n`, { mode: 0o755 });
  }
  // and a sampler reads /proc/*/cmdline of every process while dolly-ci runs
  const dolly = await fakeDolly(SECRET, [{ status: 503, headers: { 'Retry-After': '1' }, body: { message: 'busy' } }, created()]);
  let sampled = 0; const seen = [];
  const sampler = setInterval(() => {
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        sampled++;
        if (cmdline.includes(SECRET)) seen.push(cmdline.replace(/\0/g, ' '));
      } catch { /* gone */ }
    }
  }, 2);
  try {
    const r = await exec('bash', [DOLLY_CI, 'create', '--template', 'shop', '--clone', 'argv-1', '--wait'],
      env(box, dolly.url, { PATH: `${shims}:${process.env.PATH}` }));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(dolly.requests.every((q) => q.signed), 'the requests are signed with the secret');
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(lines.some((l) => l.includes('openssl')), 'openssl ran (through the wrapper)');
    assert.deepEqual(lines.filter((l) => l.includes(SECRET)), [], 'no child had the secret in its argv');
    assert.ok(sampled > 100);
    assert.deepEqual(seen, [], 'no process seen with the secret in /proc/*/cmdline');
  } finally {
    clearInterval(sampler);
    await dolly.close();
    box.close();
  }
});

test('stamps live in a private directory (0700, files 0600); a link planted at the old /tmp path is not written through', async () => {
  const box = sandbox();
  const dolly = await fakeDolly(SECRET, [{ status: 200, body: { clone: 'c1', state: 'READY' } }]);
  const body = '{"action":"status","clone":"c1"}';
  const oldName = `.dolly-ci-${process.getuid()}-${crypto.createHash('sha256').update(`ci-test.${body}`).digest('hex').slice(0, 16)}`;
  const victim = path.join(box.dir, 'victim'); fs.writeFileSync(victim, 'precious\n');
  fs.symlinkSync(victim, path.join(box.tmp, oldName));
  try {
    const r = await exec('bash', [DOLLY_CI, 'status', '--clone', 'c1', '--json'], env(box, dolly.url));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n', 'the planted link was not written through');
    const stamps = path.join(box.home, '.cache/dolly-ci');
    assert.equal(fs.statSync(stamps).mode & 0o777, 0o700);
    const files = fs.readdirSync(stamps);
    assert.equal(files.length, 1);
    assert.equal(fs.statSync(path.join(stamps, files[0])).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(box.tmp), [oldName], 'nothing left behind in TMPDIR');
  } finally {
    await dolly.close();
    box.close();
  }
});

test('eval "$(dolly-ci create …)" fails when create fails, and clears the PG* variables of an earlier clone', async () => {
  const box = sandbox();
  const dolly = await fakeDolly(SECRET, [{ status: 403, body: { error: 'forbidden', message: 'no grant', field: 'template' } }]);
  try {
    const script = `export PGHOST=old-host PGPASSWORD=old-pw; eval "$(bash '${DOLLY_CI}' create --template shop --clone e1 --wait)"; echo "rc=$? PGHOST=\${PGHOST-unset} PGPASSWORD=\${PGPASSWORD-unset}"`;
    const r = await exec('bash', ['-c', script], env(box, dolly.url));
    assert.match(r.stdout, /^rc=1 PGHOST=unset PGPASSWORD=unset$/m, r.stdout + r.stderr);
    assert.match(r.stderr, /create refused \(HTTP 403\) \[template\]: no grant/);
    // under set -e the job stops at the eval
    const strict = await exec('bash', ['-c', `set -e; eval "$(bash '${DOLLY_CI}' create --template shop --clone e1)"; echo reached`], env(box, dolly.url));
    assert.notEqual(strict.code, 0);
    assert.doesNotMatch(strict.stdout, /reached/);
  } finally {
    await dolly.close();
    box.close();
  }
});

test('an answer value with a newline is refused in every format: no variable can be added', async () => {
  const box = sandbox();
  for (const format of ['shell', 'env', 'dotenv']) {
    for (const field of ['host', 'password', 'clone']) {
      const dolly = await fakeDolly(SECRET, [created({ [field]: 'x\nINJECTED=1' })]);
      try {
        const r = await exec('bash', [DOLLY_CI, 'create', '--template', 'shop', '--clone', 'n1', '--wait', '--format', format], env(box, dolly.url));
        assert.equal(r.code, 4, `${format}/${field}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`the answer's \\w+ holds a newline`));
        assert.doesNotMatch(r.stdout, /INJECTED/);
        if (format === 'shell') assert.equal(r.stdout.trim(), 'unset DOLLY_CLONE PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE DATABASE_URL; false');
        else assert.equal(r.stdout, '');
      } finally {
        await dolly.close();
      }
    }
  }
  box.close();
});

test('--format env prints NAME=value lines as $GITHUB_ENV and GitLab dotenv read them', async () => {
  const box = sandbox();
  const dolly = await fakeDolly(SECRET, [created()]);
  try {
    const r = await exec('bash', [DOLLY_CI, 'create', '--template', 'shop', '--clone', 'f1', '--wait', '--format', 'env'], env(box, dolly.url));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['DOLLY_CLONE=f1', 'PGHOST=127.0.0.1', 'PGPORT=6042', 'PGUSER=dolly', 'PGPASSWORD=pw-0123456789abcdef',
      'PGDATABASE=shop', 'DATABASE_URL=postgresql://dolly:pw-0123456789abcdef@127.0.0.1:6042/shop', ''].join('\n'));
  } finally {
    await dolly.close();
    box.close();
  }
});

test('429 and 503 are retried as Retry-After says, with the same Idempotency-Key; --retry-for bounds the wait', async () => {
  const box = sandbox();
  const dolly = await fakeDolly(SECRET, [
    { status: 429, headers: { 'Retry-After': '2' }, body: { message: 'over quota' } },
    { status: 503, headers: { 'Retry-After': '1' }, body: { message: 'circuit open' } },
    created()]);
  try {
    const r = await exec('bash', [DOLLY_CI, 'create', '--template', 'shop', '--clone', 'r1', '--wait', '--idempotency-key', 'k-1'], env(box, dolly.url));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(dolly.requests.length, 3);
    assert.ok(dolly.requests[1].at - dolly.requests[0].at >= 1900, 'waited the 2 s Retry-After asked for');
    assert.deepEqual(dolly.requests.map((q) => q.headers['idempotency-key']), ['k-1', 'k-1', 'k-1']);
    assert.equal(new Set(dolly.requests.map((q) => q.headers['x-dolly-timestamp'])).size, 3, 'a fresh signature each time');
    assert.match(r.stderr, /HTTP 429: over quota; retrying in 2 s/);
  } finally {
    await dolly.close();
  }
  const down = await fakeDolly(SECRET, [{ status: 503, body: { message: 'no healthy host' } }]);
  try {
    const t0 = Date.now();
    const r = await exec('bash', [DOLLY_CI, 'status', '--clone', 'r1', '--retry-for', '4'], env(box, down.url));
    assert.equal(r.code, 4);
    assert.ok(Date.now() - t0 < 9000);
    assert.match(r.stderr, /status failed after \d attempts in \d s: HTTP 503: no healthy host/);
  } finally {
    await down.close();
    box.close();
  }
});
