// clients/dolly (the CLI) against a fake user API: the token only in a header (never in argv), the login file
// 0600 and refused when others may read it, DOLLY_URL/DOLLY_TOKEN overriding it, the command line sent as
// words, exit codes by status, --output json, and psql/env getting the rotated password in the environment.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, exec } from './runner.mjs';

const DOLLY = path.join(ROOT, 'clients/dolly');
const TOKEN = 'dolly_pat_' + 'T'.repeat(40) + 'abc';

async function fakeApi(answer) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, accept: req.headers.accept, body });
      const a = answer(req, body);
      res.writeHead(a.status, { 'Content-Type': a.type || 'text/plain' });
      res.end(a.body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dolly-cli-test-'));
  return { dir, config: path.join(dir, 'config-dir'), close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const env = (box, extra = {}) => ({ PATH: process.env.PATH, HOME: box.dir, DOLLY_CONFIG_DIR: box.config, ...extra });

test('login saves URL and token 0600 (token from stdin, never argv), later commands send it as a Bearer header', async () => {
  const box = sandbox();
  const api = await fakeApi(() => ({ status: 200, body: 'CLONE  STATE\nx      READY\n' }));
  try {
    let r = await exec('bash', [DOLLY, 'login', '--url', api.url, '--token', TOKEN], env(box));
    assert.equal(r.code, 2, 'a token in argv is refused');
    r = await exec('bash', [DOLLY, 'login', '--url', api.url, '--with-token'], env(box), 60000, TOKEN + '\n');
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(box.config, 'config');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(box.config).mode & 0o777, 0o700);
    r = await exec('bash', [DOLLY, 'list', '--all'], env(box));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /x\s+READY/);
    const last = api.requests.at(-1);
    assert.equal(last.auth, `Bearer ${TOKEN}`);
    assert.equal(last.url, '/api/v1/commands');
    assert.deepEqual(JSON.parse(last.body), { args: ['list', '--all'] });
    assert.equal(last.accept, 'text/plain');
    fs.chmodSync(file, 0o644);
    r = await exec('bash', [DOLLY, 'list'], env(box));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /readable by others/);
  } finally { await api.close(); box.close(); }
});

test('DOLLY_URL and DOLLY_TOKEN override the login; --output json asks for JSON; words with spaces stay one word', async () => {
  const box = sandbox();
  const api = await fakeApi(() => ({ status: 200, type: 'application/json', body: '{"clones":[]}' }));
  try {
    const r = await exec('bash', [DOLLY, 'create', 'shop', '--name', 'a b', '--output', 'json'], env(box, { DOLLY_URL: api.url, DOLLY_TOKEN: TOKEN }));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { clones: [] });
    assert.equal(api.requests[0].accept, 'application/json');
    assert.deepEqual(JSON.parse(api.requests[0].body), { args: ['create', 'shop', '--name', 'a b'] });
  } finally { await api.close(); box.close(); }
});

test('refusals print the server message; 401 exits 4, other 4xx 3, 5xx 5; nothing configured says to log in', async () => {
  const box = sandbox();
  let status = 401;
  const api = await fakeApi(() => ({ status, body: 'Token tok-1 was revoked. Get a new one with /dolly token in Slack, then run dolly login.' }));
  try {
    const e = env(box, { DOLLY_URL: api.url, DOLLY_TOKEN: TOKEN });
    let r = await exec('bash', [DOLLY, 'list'], e);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /\/dolly token/);
    status = 400; r = await exec('bash', [DOLLY, 'crate'], e); assert.equal(r.code, 3);
    status = 503; r = await exec('bash', [DOLLY, 'list'], e); assert.equal(r.code, 5);
    r = await exec('bash', [DOLLY, 'list'], env(box));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /dolly login/);
  } finally { await api.close(); box.close(); }
});

test('a refusal in JSON (as the user API sends 401/403/404…) is shown as its message, escapes read; --output json keeps the JSON', async () => {
  const box = sandbox();
  let status = 401;
  const message = 'Token tok-1 expired at 2026-12-02T20:07:56Z. Get a new one with `/dolly token` in Slack, then run `dolly login`.';
  let body = JSON.stringify({ error: 'unauthorized', message });
  const api = await fakeApi(() => ({ status, type: 'application/json', body }));
  try {
    const e = env(box, { DOLLY_URL: api.url, DOLLY_TOKEN: TOKEN });
    let r = await exec('bash', [DOLLY, 'list'], e);
    assert.equal(r.code, 4);
    assert.equal(r.stderr, message + '\n', 'the message alone, not the JSON around it');
    r = await exec('bash', [DOLLY, 'list', '--output', 'json'], e);
    assert.equal(r.code, 4);
    assert.deepEqual(JSON.parse(r.stderr), { error: 'unauthorized', message });
    status = 403;
    const tricky = 'Refused: "a\\b" \u00e9 — line\nnext\ttab';
    body = JSON.stringify({ error: 'forbidden', message: tricky, field: 'clone' }).replace('\u00e9', '\\u00e9');
    r = await exec('bash', [DOLLY, 'show', 'x'], { ...e, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
    assert.equal(r.code, 3);
    assert.equal(r.stderr, tricky + '\n');
  } finally { await api.close(); box.close(); }
});

test('env prints quoted exports of the rotated connection; psql gets PGPASSWORD in its environment, not argv', async () => {
  const box = sandbox();
  const api = await fakeApi(() => ({ status: 200, body: "DOLLY_CLONE=x\nPGHOST=localhost\nPGPORT=6001\nPGUSER=u\nPGDATABASE=shop\nPGPASSWORD=p w'$(x)\nEVIL=1\n" }));
  const shims = path.join(box.dir, 'shims'); fs.mkdirSync(shims);
  const log = path.join(box.dir, 'psql.log');
  fs.writeFileSync(path.join(shims, 'psql'), `#!/bin/bash\n{ echo "argv: $*"; echo "pw: $PGPASSWORD"; echo "host: $PGHOST"; } >'${log}'\n`, { mode: 0o755 });
  try {
    const e = env(box, { DOLLY_URL: api.url, DOLLY_TOKEN: TOKEN, PATH: `${shims}:${process.env.PATH}` });
    let r = await exec('bash', [DOLLY, 'env', 'x'], e);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(api.requests[0].url, '/api/v1/clones/x/password?format=env');
    assert.doesNotMatch(r.stdout, /EVIL/);
    const check = await exec('bash', ['-c', `${r.stdout}\nprintf '%s' "$PGPASSWORD"`], { PATH: process.env.PATH });
    assert.equal(check.stdout, "p w'$(x)");
    r = await exec('bash', [DOLLY, 'psql', 'x', '-c', 'select 1', '-o', 'out.txt'], e);
    assert.equal(r.code, 0, r.stderr);
    const seen = fs.readFileSync(log, 'utf8');
    assert.match(seen, /^argv: -c select 1 -o out.txt$/m);
    assert.match(seen, /^pw: p w'\$\(x\)$/m);
    assert.match(seen, /^host: localhost$/m);
  } finally { await api.close(); box.close(); }
});

test('completion scripts for bash and zsh name every verb', async () => {
  for (const shell of ['bash', 'zsh']) {
    const r = await exec('bash', [DOLLY, 'completion', shell], { PATH: process.env.PATH, HOME: os.tmpdir() });
    assert.equal(r.code, 0);
    for (const verb of ['create', 'savepoint', 'extend', 'token', 'psql']) assert.match(r.stdout, new RegExp(verb));
  }
  const b = await exec('bash', ['-c', `source <("${DOLLY}" completion bash) && COMP_WORDS=(dolly sav) COMP_CWORD=1 && _dolly && echo "\${COMPREPLY[*]}"`], { PATH: process.env.PATH, HOME: os.tmpdir() });
  assert.equal(b.stdout.trim(), 'savepoint');
});
