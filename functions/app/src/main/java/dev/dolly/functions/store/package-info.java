/**
 * Dolly's state in one DynamoDB table: the item classes (the table layout, unchanged so existing data
 * reads), {@link dev.dolly.functions.store.DollyStore}'s conditional writes and transactions, and the
 * stores that hand services domain records instead of items ({@link dev.dolly.functions.store.CloneStore},
 * {@link dev.dolly.functions.store.CatalogStore}, mapped by {@link dev.dolly.functions.store.Records}).
 */
package dev.dolly.functions.store;
