/**
 * Block Kit rendering: clone cards with Reset / Extend / Destroy buttons, lists, help, errors, the App Home tab,
 * the Extend dialog and notifications. {@link dev.dolly.slack.blocks.Reply} carries who may see a message and
 * refuses to put credentials anywhere but an ephemeral reply.
 */
package dev.dolly.slack.blocks;
