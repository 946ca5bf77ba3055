/**
 * The control plane's one command model. Every front (Slack, CI webhook, schedules) turns
 * its input into a {@link dev.dolly.control.api.Command} and hands it, with the asking
 * {@link dev.dolly.control.api.Principal}, to a {@link dev.dolly.control.api.CommandPort};
 * results come back as {@link dev.dolly.control.api.CommandResult}s, failures as
 * {@link dev.dolly.control.api.DollyException}s with a {@link dev.dolly.control.api.ErrorKind}.
 * No lifecycle logic lives in a front. Also holds the outbound {@link dev.dolly.control.api.Notifier}
 * port and the single DynamoDB {@link dev.dolly.control.api.TableSchema}.
 */
package dev.dolly.control.api;
