'use strict';
// Dolly's GitHub Action, post step (always runs): destroys the clone the main step created, so a failed or
// cancelled job leaves nothing behind. Nothing to do for keep: true or the other actions.
const d = require('./dolly.js');

async function post() {
  const clone = d.getState('clone');
  if (!clone) return;
  const s = d.settings();
  const idempotencyKey = `${d.defaultIdempotencyKey('destroy', clone)}:post`;
  const { status, answer } = await d.call({ ...s, body: { action: 'destroy', clone }, idempotencyKey });
  if (status === 404) {
    d.info(`Clone ${clone} is already gone.`);
    return;
  }
  if (status < 200 || status > 299) throw d.refused('destroy', status, answer);
  d.info(`Destroyed clone ${clone}.`);
}

d.run(post);
