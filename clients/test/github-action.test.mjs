// clients/github-action run the way the GitHub runner runs it (see runner.mjs), against a fake Dolly that
// can answer with hostile values, 503s and Retry-After. The same action against a real local Dolly is in
// e2e-github-action.mjs (run by scripts/e2e-clients.sh).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Job, created, fakeDolly, parseFileCommands } from './runner.mjs';

const SECRET = 'gh-test-secret';
const inputs = (url, more = {}) => ({ url, key: 'ci-test', secret: SECRET, template: 'shop', ...more });

test('create masks the password before writing it anywhere, exports the variables, post destroys the clone', async () => {
  const dolly = await fakeDolly(SECRET, [created(), { status: 200, body: { state: 'GONE', message: 'destroyed' } }]);
  const job = new Job();
  try {
    const main = await job.step('main.js', inputs(dolly.url));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    // ::add-mask:: of the password comes before any append to GITHUB_ENV / GITHUB_OUTPUT
    const maskAt = main.trace.findIndex((e) => e.kind === 'stdout' && e.data.includes('::add-mask::pw-0123456789abcdef'));
    const firstWrite = main.trace.findIndex((e) => e.kind === 'append' && /github_(env|output)/.test(e.path));
    assert.ok(maskAt >= 0, 'the password is registered with ::add-mask::');
    assert.ok(firstWrite > maskAt, `add-mask (event ${maskAt}) before the first write (event ${firstWrite})`);
    const passwordWrites = main.trace.filter((e) => e.kind === 'append' && e.data.includes('pw-0123456789abcdef'));
    assert.ok(passwordWrites.every((e) => /github_(env|output)/.test(e.path)), 'the password goes to GITHUB_ENV and GITHUB_OUTPUT only');
    assert.ok(!main.raw.GITHUB_STATE.includes('pw-'), 'no password in GITHUB_STATE');
    assert.ok(!main.raw.GITHUB_STEP_SUMMARY.includes('pw-'), 'no password in the step summary');
    assert.match(main.raw.GITHUB_STEP_SUMMARY, /Dolly clone `gh-shop-app-/);
    // the runner's reading of GITHUB_ENV, heredoc form
    assert.match(main.raw.GITHUB_ENV, /^PGHOST<<ghadelimiter_/m);
    assert.equal(job.env.PGHOST, '127.0.0.1');
    assert.equal(job.env.PGPORT, '6042');
    assert.equal(job.env.PGUSER, 'dolly');
    assert.equal(job.env.PGPASSWORD, 'pw-0123456789abcdef');
    assert.equal(job.env.PGDATABASE, 'shop');
    assert.equal(job.env.DATABASE_URL, 'postgresql://dolly:pw-0123456789abcdef@127.0.0.1:6042/shop');
    assert.equal(main.outputs['connection-string'], 'postgresql://dolly@127.0.0.1:6042/shop');
    assert.equal(main.outputs.password, 'pw-0123456789abcdef');
    assert.equal(main.outputs.clone, job.env.DOLLY_CLONE);
    // the request: signed, create with wait, an Idempotency-Key derived from the run
    const create = dolly.requests[0];
    assert.ok(create.signed);
    assert.deepEqual(create.body.action, 'create');
    assert.equal(create.body.wait, true);
    assert.match(create.headers['idempotency-key'], /^gh:acme\/shop-app:\d+:1:test:dolly1:create:gh-shop-app-\d+-1$/);

    const post = await job.step('post.js', inputs(dolly.url), { state: main.state });
    assert.equal(post.code, 0, post.stdout);
    assert.deepEqual(dolly.requests[1].body, { action: 'destroy', clone: main.outputs.clone });
  } finally {
    job.close();
    await dolly.close();
  }
});

test('a value with a newline in the answer is refused: nothing is written, the step fails', async () => {
  for (const field of ['host', 'user', 'password', 'database']) {
    const dolly = await fakeDolly(SECRET, [created({ [field]: `evil\nINJECTED=1` })]);
    const job = new Job();
    try {
      const main = await job.step('main.js', inputs(dolly.url));
      assert.equal(main.code, 1, field);
      assert.match(main.stdout, new RegExp(`::error::the answer's ${field} holds a newline`));
      assert.equal(main.raw.GITHUB_ENV, '', field);
      assert.equal(main.raw.GITHUB_OUTPUT, '', field);
      assert.equal(job.env.INJECTED, undefined);
      assert.deepEqual(Object.keys(parseFileCommands(main.raw.GITHUB_ENV)), []);
    } finally {
      job.close();
      await dolly.close();
    }
  }
});

test('503 with Retry-After is retried with the same Idempotency-Key and a fresh signature', async () => {
  const busy = { status: 503, headers: { 'Retry-After': '2' }, body: { error: 'unavailable', message: 'host local: circuit open' } };
  const dolly = await fakeDolly(SECRET, [busy, busy, created()]);
  const job = new Job();
  try {
    const main = await job.step('main.js', inputs(dolly.url, { keep: 'true' }));
    assert.equal(main.code, 0, main.stdout);
    assert.equal(dolly.requests.length, 3);
    const [a, b, c] = dolly.requests;
    assert.ok(b.at - a.at >= 1900 && c.at - b.at >= 1900, 'waited as Retry-After said');
    assert.equal(new Set(dolly.requests.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(new Set(dolly.requests.map((r) => r.headers['x-dolly-signature'])).size, 3);
    assert.ok(dolly.requests.every((r) => r.signed));
    assert.match(main.stdout, /HTTP 503: host local: circuit open; retrying in 2\.\d s/);
    assert.equal(main.state.clone, undefined, 'keep: true saves nothing for post');
  } finally {
    job.close();
    await dolly.close();
  }
});

test('gives up after retry-for seconds and says why', async () => {
  const dolly = await fakeDolly(SECRET, [{ status: 503, body: { error: 'unavailable', message: 'no healthy host' } }]);
  const job = new Job();
  try {
    const t0 = Date.now();
    const main = await job.step('main.js', inputs(dolly.url, { 'retry-for': '3' }));
    assert.equal(main.code, 1);
    assert.ok(Date.now() - t0 < 8000);
    assert.match(main.stdout, /::error::create failed after \d attempt\(s\) in \d s: HTTP 503: no healthy host/);
    assert.ok(dolly.requests.length >= 2);
  } finally {
    job.close();
    await dolly.close();
  }
});

test('a refusal fails the step with the server\'s message; post still destroys what create may have made', async () => {
  const dolly = await fakeDolly(SECRET, [
    { status: 403, body: { error: 'forbidden', message: 'no grant lets ci-test create clones of shop', field: 'template' } },
    { status: 404, body: { error: 'not_found', message: 'no clone' } }]);
  const job = new Job();
  try {
    const main = await job.step('main.js', inputs(dolly.url));
    assert.equal(main.code, 1);
    assert.match(main.stdout, /::error::create refused \(HTTP 403\) \[template\]: no grant lets ci-test/);
    assert.equal(job.env.PGHOST, undefined);
    const post = await job.step('post.js', inputs(dolly.url), { state: main.state });
    assert.equal(post.code, 0);
    assert.equal(dolly.requests[1].body.action, 'destroy');
    assert.match(post.stdout, /already gone/);
  } finally {
    job.close();
    await dolly.close();
  }
});

test('reset and status use the clone the create step exported; the secret is masked', async () => {
  const dolly = await fakeDolly(SECRET, [created({ password: undefined, state: 'READY' })]);
  const job = new Job({ DOLLY_CLONE: 'gh-earlier-clone' });
  try {
    const reset = await job.step('main.js', inputs(dolly.url, { action: 'reset' }));
    assert.equal(reset.code, 0, reset.stdout);
    assert.deepEqual(dolly.requests[0].body, { action: 'reset', clone: 'gh-earlier-clone' });
    assert.match(reset.stdout, new RegExp(`::add-mask::${SECRET}`));
    assert.equal(reset.state.clone, undefined);
    const status = await job.step('main.js', inputs(dolly.url, { action: 'status' }));
    assert.equal(status.code, 0);
    assert.equal(dolly.requests[1].headers['idempotency-key'], undefined);
  } finally {
    job.close();
    await dolly.close();
  }
});
