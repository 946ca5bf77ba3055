/** Who may do what: roles granted per template to Slack users, groups and CI keys, checked before any command acts. */
package dev.dolly.functions.auth;
