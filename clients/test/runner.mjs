// A stand-in for the GitHub Actions runner, enough to run clients/github-action as the runner does: `node`
// on the action's main with INPUT_* variables (defaults from action.yml), real GITHUB_ENV, GITHUB_OUTPUT,
// GITHUB_STATE and GITHUB_STEP_SUMMARY files, then its post with the saved state as STATE_* variables;
// a later step gets the variables of GITHUB_ENV, read as the runner reads them (NAME=value and the
// NAME<<DELIMITER heredoc form). Also a fake Dolly for the tests that need hostile or failing answers.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ACTION = path.join(ROOT, 'clients/github-action');
export const DOLLY_CI = process.env.DOLLY_CI_UNDER_TEST || path.join(ROOT, 'clients/dolly-ci');
const TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trace.cjs');

/** The inputs' defaults from action.yml (the runner fills them in for inputs a workflow leaves out). */
export function inputDefaults() {
  const yml = fs.readFileSync(path.join(ACTION, 'action.yml'), 'utf8');
  const inputs = yml.split(/^outputs:/m)[0].split(/^inputs:/m)[1];
  const out = {};
  let current = null;
  for (const line of inputs.split('\n')) {
    let m = line.match(/^ {2}([a-z][a-z0-9-]*):\s*$/);
    if (m) { current = m[1]; continue; }
    m = line.match(/^ {4}default:\s*"?([^"]*)"?\s*$/);
    if (m && current) out[current] = m[1];
  }
  return out;
}

/**
 * The runner's reading of a file command file: NAME=value lines, and NAME<<DELIMITER … DELIMITER blocks
 * (a value of several lines; the runner refuses a block without its closing delimiter).
 */
export function parseFileCommands(text) {
  const out = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const eq = line.indexOf('=');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`${name}: no closing delimiter ${delimiter}`);
      out[name] = value.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`invalid file command line: ${line}`);
    }
  }
  return out;
}

/** A job's runner state: its files, its environment as later steps see it. */
export class Job {
  constructor(env = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dolly-gh-job-'));
    this.env = {
      PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true', CI: 'true',
      GITHUB_REPOSITORY: 'acme/shop-app', GITHUB_RUN_ID: String(Date.now()), GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'test',
      ...env,
    };
    this.steps = 0;
  }

  /** Runs the action's main (or post) as one step; returns { code, stdout, trace, files }. */
  async step(script, inputs, { state = {}, timeoutMs = 600000 } = {}) {
    this.steps++;
    const files = {};
    for (const f of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
      files[f] = path.join(this.dir, `${f.toLowerCase()}_${this.steps}`);
      fs.writeFileSync(files[f], '');
    }
    const trace = path.join(this.dir, `trace_${this.steps}.jsonl`);
    const env = { ...this.env, ...files, GITHUB_ACTION: `dolly${this.steps}`, DOLLY_TRACE: trace };
    const all = { ...inputDefaults(), ...inputs };
    for (const [k, v] of Object.entries(all)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
    const { code, stdout, stderr } = await exec(process.execPath, ['--require', TRACE, path.join(ACTION, script)], env, timeoutMs);
    const read = (f) => fs.readFileSync(files[f], 'utf8');
    const result = {
      code, stdout, stderr, files, raw: Object.fromEntries(Object.keys(files).map((f) => [f, read(f)])),
      trace: fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [],
    };
    // what the runner does after a step: GITHUB_ENV into the job's environment, GITHUB_STATE kept for post
    Object.assign(this.env, parseFileCommands(result.raw.GITHUB_ENV));
    result.outputs = parseFileCommands(result.raw.GITHUB_OUTPUT);
    result.state = parseFileCommands(result.raw.GITHUB_STATE);
    return result;
  }

  /** A `run:` step: a command with the job's environment. */
  run(cmd, args, timeoutMs = 60000) {
    return exec(cmd, args, { ...this.env }, timeoutMs);
  }

  close() { fs.rmSync(this.dir, { recursive: true, force: true }); }
}

export function exec(cmd, args, env, timeoutMs = 60000, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, pid: child.pid }); });
    // a child that exits without reading its input (a refused `login --token`) closes the pipe: EPIPE here is
    // not the test's failure (its exit status and output tell what happened)
    child.stdin.on('error', (e) => { if (e.code !== 'EPIPE') reject(e); });
    child.stdin.end(input || '');
  });
}

/**
 * A fake Dolly CI webhook: checks each request's signature against `secret`, records it, and answers with
 * the next of `answers` ({ status, body, headers }; the last one repeats).
 */
export async function fakeDolly(secret, answers) {
  const requests = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const ts = req.headers['x-dolly-timestamp'];
      const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
      const signed = req.headers['x-dolly-signature'] === expected;
      requests.push({ at: Date.now(), headers: req.headers, body: body ? JSON.parse(body) : null, signed });
      const a = signed ? answers[Math.min(n++, answers.length - 1)] : { status: 401, body: { error: 'unauthorized', message: 'Bad signature or unknown key.' } };
      const text = typeof a.body === 'string' ? a.body : JSON.stringify(typeof a.body === 'function' ? a.body(JSON.parse(body)) : a.body);
      res.writeHead(a.status, { 'Content-Type': 'application/json', ...(a.headers || {}) });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

/** A create answer as Dolly gives it. */
export function created(overrides = {}) {
  return {
    status: 201,
    body: (req) => ({
      clone: req.clone, state: 'READY', template: req.template, snapshot: 'shop@20260302', host: '127.0.0.1', port: 6042,
      database: 'shop', user: 'dolly', connectionString: 'postgresql://dolly@127.0.0.1:6042/shop',
      expiresAt: '2026-03-02T12:00:00Z', password: 'pw-0123456789abcdef', ...overrides,
    }),
  };
}
