// clients/github-action against the running local Dolly (./dolly up), run as the GitHub runner runs it
// (runner.mjs): create → a later step reads GITHUB_ENV (heredoc form) and runs psql on the demo's tables →
// reset between suites → post destroys the clone → nothing of it is left on the pool or in Docker.
// Run by scripts/e2e-clients.sh with .dolly/local.env loaded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { Job } from './runner.mjs';

const POOL = process.env.DOLLY_POOL || 'dolly';
const inputs = { url: process.env.DOLLY_URL, key: process.env.DOLLY_CI_KEY, secret: process.env.DOLLY_CI_SECRET, template: 'shop', ttl: '1h' };

function cloneGone(clone) {
  const datasets = execFileSync('zfs', ['list', '-H', '-o', 'name', '-r', `${POOL}/clones`], { encoding: 'utf8' }).split('\n');
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=dolly.clone=${clone}`], { encoding: 'utf8' }).trim();
  return !datasets.includes(`${POOL}/clones/${clone}`) && containers === '';
}

test('the action on a real Dolly: create, psql in a later step, reset between suites, post leaves nothing', async () => {
  assert.ok(inputs.url && inputs.key && inputs.secret, 'DOLLY_URL, DOLLY_CI_KEY and DOLLY_CI_SECRET (from .dolly/local.env)');
  const job = new Job({ GITHUB_RUN_ID: `${Date.now()}` });
  let clone;
  try {
    const main = await job.step('main.js', inputs);
    assert.equal(main.code, 0, main.stdout + main.stderr);
    clone = main.outputs.clone;
    assert.match(clone, /^gh-shop-app-\d+-1$/);
    const password = job.env.PGPASSWORD;
    assert.ok(password, 'PGPASSWORD reached the job environment');
    assert.ok(main.stdout.includes(`::add-mask::${password}`));
    assert.ok(!main.raw.GITHUB_STATE.includes(password) && !main.raw.GITHUB_STEP_SUMMARY.includes(password));

    // a following step: `run: psql -c 'select count(*) from customers'` with the job's environment
    const count = await job.run('psql', ['-w', '-v', 'ON_ERROR_STOP=1', '-Atc', 'select count(*) from customers']);
    assert.equal(count.code, 0, count.stderr);
    assert.ok(Number(count.stdout.trim()) > 0, `customers: ${count.stdout}`);
    const viaUrl = await job.run('psql', [job.env.DATABASE_URL, '-w', '-Atc', 'select count(*) from orders']);
    assert.equal(viaUrl.code, 0, viaUrl.stderr);

    // suite 1 writes; a reset step between suites brings the clone back
    const before = (await job.run('psql', ['-w', '-Atc', 'select count(*) from order_items'])).stdout.trim();
    assert.equal((await job.run('psql', ['-w', '-qc', 'delete from order_items; delete from payments'])).code, 0);
    const reset = await job.step('main.js', { ...inputs, action: 'reset' });
    assert.equal(reset.code, 0, reset.stdout + reset.stderr);
    assert.equal(reset.outputs.clone, clone, 'reset finds the clone through DOLLY_CLONE');
    const after = await job.run('psql', ['-w', '-Atc', 'select count(*) from order_items']);
    assert.equal(after.stdout.trim(), before, 'the reset brought order_items back');

    const post = await job.step('post.js', inputs, { state: main.state });
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.ok(cloneGone(clone), 'nothing of the clone is left on the pool or in Docker');
    clone = null;
  } finally {
    if (clone) await job.step('post.js', inputs, { state: { clone } });
    job.close();
  }
});
