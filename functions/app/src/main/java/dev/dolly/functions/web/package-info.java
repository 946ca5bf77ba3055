/**
 * The HTTP fronts, one handler per entry point, shared by Lambda and the local server: the signed CI
 * webhook, Slack events, and agent callbacks; plus the plain request/answer types and the sealing of
 * stored answers that hold a password. Handlers parse and answer; the services do the work.
 */
package dev.dolly.functions.web;
