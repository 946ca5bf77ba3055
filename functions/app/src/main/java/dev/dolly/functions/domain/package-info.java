/**
 * The control plane's domain model: what the services reason about (a {@link dev.dolly.functions.domain.Clone},
 * a template's state, a host as last seen, a snapshot, a quota), as immutable records free of DynamoDB. The
 * store maps them to and from its table items; each record carries the item's optimistic-lock version so a
 * write back is still conditional.
 */
package dev.dolly.functions.domain;
