'use strict';
// Dolly's GitHub Action, shared parts: inputs, the runner's file commands, and signed calls to Dolly's
// CI webhook with retries. No dependencies: node's crypto, fetch and fs only.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');

// ---------------------------------------------------------------- inputs and workflow commands

/** An input the way the runner passes it: INPUT_<NAME upper-cased, spaces as _> (hyphens kept). */
function input(name, fallback = '') {
  const v = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function bool(name, fallback) {
  const v = input(name, fallback ? 'true' : 'false').toLowerCase();
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new ActionError(`input ${name}: true or false, not '${v}'`);
}

class ActionError extends Error {}

/** A workflow command on stdout, escaped as the runner expects. */
function command(name, message) {
  const escaped = String(message).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::${name}::${escaped}${os.EOL}`);
}
const info = (m) => process.stdout.write(`${m}${os.EOL}`);
const mask = (secret) => { if (secret) command('add-mask', secret); };

/**
 * Refuses a value that could add a line of its own to a file command or a shell (a newline, another
 * control character): a hostile or broken server answer never becomes a second variable.
 */
function safe(name, value) {
  const s = value === undefined || value === null ? '' : String(value);
  if (/[\u0000-\u001f\u007f]/.test(s)) {
    throw new ActionError(`the answer's ${name} holds a newline or control character; refused (a hostile or broken server?)`);
  }
  return s;
}

/** Appends NAME<<delimiter / value / delimiter to a runner file ($GITHUB_ENV, $GITHUB_OUTPUT, $GITHUB_STATE). */
function fileCommand(variable, name, value) {
  const file = process.env[variable];
  if (!file) throw new ActionError(`${variable} is not set: run this action on a GitHub Actions runner`);
  const v = safe(name, value);
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new ActionError(`bad variable name ${name}`);
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${v}${os.EOL}${delimiter}${os.EOL}`, { encoding: 'utf8' });
}
const setOutput = (name, value) => fileCommand('GITHUB_OUTPUT', name, value);
const exportVariable = (name, value) => fileCommand('GITHUB_ENV', name, value);
const saveState = (name, value) => fileCommand('GITHUB_STATE', name, value);
const getState = (name) => process.env[`STATE_${name}`] || '';

function summary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) fs.appendFileSync(file, markdown, { encoding: 'utf8' });
}

// ---------------------------------------------------------------- names

/** Dolly's clone names: 1–63 of [a-z0-9_-], starting with a letter. */
function defaultClone(env = process.env) {
  const repo = (env.GITHUB_REPOSITORY || 'repo').split('/').pop().toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  const tail = `-${env.GITHUB_RUN_ID || Date.now()}-${env.GITHUB_RUN_ATTEMPT || '1'}`;
  return `gh-${repo.slice(0, 63 - 3 - tail.length)}${tail}`.replace(/-+/g, '-');
}

function defaultIdempotencyKey(action, clone, env = process.env) {
  const parts = ['gh', env.GITHUB_REPOSITORY || 'repo', env.GITHUB_RUN_ID || '', env.GITHUB_RUN_ATTEMPT || '1',
    env.GITHUB_JOB || '', env.GITHUB_ACTION || '', action, clone];
  const key = parts.join(':').replace(/[^\x21-\x7e]/g, '_');
  if (key.length <= 200) return key;
  return `gh:${crypto.createHash('sha256').update(key).digest('hex')}`;
}

// ---------------------------------------------------------------- signed calls with retries

const RETRIED = new Set([429, 502, 503, 504]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
function retryAfterSeconds(header, now = Date.now()) {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000));
}

/** Exponential backoff (1, 2, 4 … capped at 16 s) with jitter (half to all of it), or Retry-After if longer. */
function backoffMs(attempt, retryAfter, random = Math.random) {
  const base = Math.min(16, 2 ** (attempt - 1)) * 1000;
  const jittered = base / 2 + random() * (base / 2);
  return Math.max(jittered, retryAfter === null ? 0 : retryAfter * 1000);
}

/**
 * POSTs body to <url>/webhooks/ci, signed (X-Dolly-Signature: sha256=hex(HMAC-SHA256(secret, "<ts>.<body>")))
 * with a fresh timestamp per attempt, the same Idempotency-Key on every attempt, retrying 429/502/503/504 and
 * network errors for up to retryForS seconds. Returns { status, answer }.
 */
async function call({ url, key, secret, body, idempotencyKey, retryForS = 90, timeoutS = 300, log = info }) {
  const text = JSON.stringify(body);
  // retryForS bounds the time spent waiting between attempts (a request that ran into the timeout is
  // retried too, with the same Idempotency-Key)
  const started = Date.now();
  let waited = 0;
  let lastTs = 0;
  for (let attempt = 1; ; attempt++) {
    let ts = Math.floor(Date.now() / 1000);
    if (ts <= lastTs) { await sleep((lastTs + 1) * 1000 - Date.now() + 5); ts = lastTs + 1; }
    lastTs = ts;
    const signature = crypto.createHmac('sha256', secret).update(`${ts}.${text}`).digest('hex');
    const headers = {
      'Content-Type': 'application/json', 'X-Dolly-Key': key, 'X-Dolly-Timestamp': String(ts),
      'X-Dolly-Signature': `sha256=${signature}`,
    };
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let why; let retryAfter = null; let status = 0; let answer = null;
    try {
      const res = await fetch(`${url.replace(/\/+$/, '')}/webhooks/ci`, {
        method: 'POST', headers, body: text, signal: AbortSignal.timeout(timeoutS * 1000), redirect: 'error',
      });
      status = res.status;
      const raw = await res.text();
      try { answer = JSON.parse(raw); } catch { answer = { message: raw.slice(0, 300) }; }
      if (!RETRIED.has(status)) return { status, answer };
      retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
      why = `HTTP ${status}: ${answer && answer.message ? answer.message : ''}`;
    } catch (e) {
      why = `no answer from ${url}: ${e.cause ? e.cause.code || e.cause.message : e.message}`;
    }
    const wait = backoffMs(attempt, retryAfter);
    const elapsed = Date.now() - started;
    if (waited + wait > retryForS * 1000) {
      const err = new ActionError(`${body.action} failed after ${attempt} attempt(s) in ${Math.round(elapsed / 1000)} s: ${why}`);
      err.status = status; err.answer = answer;
      throw err;
    }
    log(`${why}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt}, giving up after ${retryForS} s)`);
    await sleep(wait);
    waited += wait;
  }
}

/** The common inputs of main and post. */
function settings() {
  const url = input('url');
  const key = input('key');
  const secret = process.env['INPUT_SECRET'] || '';
  if (!url) throw new ActionError('input url: the base URL of Dolly is required');
  if (!key) throw new ActionError('input key: the CI key id is required');
  if (!secret) throw new ActionError('input secret: the CI key\'s secret is required (from a repository secret)');
  mask(secret);
  const retryForS = Number(input('retry-for', '90'));
  const timeoutS = Number(input('timeout', '300'));
  if (!Number.isFinite(retryForS) || retryForS < 0) throw new ActionError('input retry-for: seconds');
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new ActionError('input timeout: seconds');
  return { url, key, secret, retryForS, timeoutS };
}

function refused(action, status, answer) {
  const field = answer && answer.field ? ` [${answer.field}]` : '';
  return new ActionError(`${action} refused (HTTP ${status})${field}: ${answer && answer.message ? answer.message : ''}`);
}

/** Runs fn, turning an error into ::error:: and exit code 1. */
function run(fn) {
  fn().catch((e) => {
    command('error', e instanceof ActionError ? e.message : `unexpected: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  });
}

module.exports = {
  ActionError, input, bool, command, info, mask, safe, setOutput, exportVariable, saveState, getState, summary,
  defaultClone, defaultIdempotencyKey, retryAfterSeconds, backoffMs, call, settings, refused, run,
};
