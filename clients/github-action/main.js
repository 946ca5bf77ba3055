'use strict';
// Dolly's GitHub Action, main step: create (the default), reset, destroy or status of a clone; or a migration check.
const d = require('./dolly.js');

const ACTIONS = ['create', 'reset', 'destroy', 'status', 'check'];

async function main() {
  const s = d.settings();
  const action = d.input('action', 'create').toLowerCase();
  if (!ACTIONS.includes(action)) throw new d.ActionError(`input action: one of ${ACTIONS.join(', ')}, not '${action}'`);
  if (action === 'check') return require('./check.js').check(d, s);
  const clone = d.input('clone') || (action === 'create' ? '' : process.env.DOLLY_CLONE || '') || d.defaultClone();
  const body = { action, clone };
  if (action === 'create') {
    const template = d.input('template');
    if (!template) throw new d.ActionError('input template: required for create');
    Object.assign(body, { template, wait: true });
    if (d.input('ttl')) body.ttl = d.input('ttl');
    if (d.input('snapshot')) body.snapshot = d.input('snapshot');
  }
  if (action === 'reset' && d.input('savepoint')) body.savepoint = d.input('savepoint');
  const idempotencyKey = action === 'status' ? null : d.input('idempotency-key') || d.defaultIdempotencyKey(action, clone);
  const keep = d.bool('keep', false);
  const exportEnv = d.bool('export-env', true);
  if (action === 'create' && !keep) {
    // before the call: a job cancelled or failed while the clone is being made still cleans it up
    d.saveState('clone', clone);
  }

  const { status, answer } = await d.call({ ...s, body, idempotencyKey });
  // the password is a secret before anything of the answer is printed or written
  if (answer && typeof answer.password === 'string') d.mask(answer.password);
  if (status < 200 || status > 299) throw d.refused(action, status, answer);

  if (action === 'destroy') {
    d.setOutput('clone', d.safe('clone', clone));
    d.setOutput('state', 'GONE');
    d.info(`Destroyed clone ${clone}.`);
    return;
  }
  const v = {};
  for (const f of ['clone', 'state', 'template', 'snapshot', 'host', 'port', 'user', 'database', 'expiresAt']) {
    v[f] = d.safe(f, answer[f]);
  }
  if (!/^\d*$/.test(v.port)) throw new d.ActionError('the answer\'s port is not a number; refused');
  const password = answer.password === undefined ? '' : d.safe('password', answer.password);
  if (action === 'create' && v.state !== 'READY') {
    throw new d.ActionError(`clone ${v.clone} is ${v.state}, not READY: ${answer.message || ''}`);
  }
  if (action === 'create' && !password) {
    d.command('warning', `No password in Dolly's answer (${answer.message || 'the clone already existed'}); PGPASSWORD is not set.`);
  }
  const connectionString = `postgresql://${v.user}@${v.host}:${v.port}/${v.database}`;
  const databaseUrl = password
    ? `postgresql://${encodeURIComponent(v.user)}:${encodeURIComponent(password)}@${v.host}:${v.port}/${v.database}`
    : connectionString;
  if (password && encodeURIComponent(password) !== password) d.mask(encodeURIComponent(password));

  for (const f of ['clone', 'state', 'host', 'port', 'user', 'database']) d.setOutput(f, v[f]);
  d.setOutput('connection-string', connectionString);
  if (password) d.setOutput('password', password);
  if (action === 'create' && exportEnv) {
    d.exportVariable('DOLLY_CLONE', v.clone);
    d.exportVariable('PGHOST', v.host);
    d.exportVariable('PGPORT', v.port);
    d.exportVariable('PGUSER', v.user);
    if (password) d.exportVariable('PGPASSWORD', password);
    d.exportVariable('PGDATABASE', v.database);
    d.exportVariable('DATABASE_URL', databaseUrl);
  }
  if (action === 'create') {
    d.summary([
      `### Dolly clone \`${v.clone}\``, '',
      '| template | snapshot | host | port | database | user | expires |',
      '|---|---|---|---|---|---|---|',
      `| ${v.template} | ${v.snapshot} | ${v.host} | ${v.port} | ${v.database} | ${v.user} | ${v.expiresAt || 'never'} |`,
      '', keep ? '_Kept after the job (keep: true)._' : '_Destroyed when the job ends._', '', '',
    ].join('\n'));
  }
  d.info(`Clone ${v.clone} (${v.template}@${v.snapshot}) is ${v.state}: ${connectionString}`);
}

d.run(main);
