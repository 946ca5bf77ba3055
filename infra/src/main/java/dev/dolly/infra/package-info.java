/**
 * Dolly's AWS CDK app: an HTTP API in front of the control plane's Lambda functions (SnapStart),
 * the DynamoDB table from {@link dev.dolly.control.api.TableSchema}, EventBridge Scheduler refresh
 * and reaper schedules with dead-letter queues, the ZFS host (EC2, separate gp3 pool volume,
 * agent as a systemd unit) reachable only from the functions, Secrets Manager secrets passed as
 * ARNs, least-privilege IAM, log groups with retention and alarms. Parameters come from CDK
 * context ({@link dev.dolly.infra.DollyConfig}); synthesis works offline ({@code infra/synth.sh}).
 */
package dev.dolly.infra;
