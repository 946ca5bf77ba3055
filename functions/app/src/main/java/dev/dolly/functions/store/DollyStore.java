package dev.dolly.functions.store;

import dev.dolly.control.api.TableSchema;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactDeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Dolly's state in one DynamoDB table. Every change is a conditional write: items carry a version
 * attribute checked on each write ({@link ConflictException} when it moved); creating a clone and
 * charging its owner's quota commit together in one transaction, as do removing it and giving the
 * quota back.
 */
public class DollyStore {
    private static final Logger log = LoggerFactory.getLogger(DollyStore.class);

    private final DynamoDbClient client;
    private final DynamoDbEnhancedClient enhanced;
    private final Clock clock;
    private final DynamoDbTable<CloneItem> clones;
    private final DynamoDbTable<HostItem> hosts;
    private final DynamoDbTable<TemplateItem> templates;
    private final DynamoDbTable<ScheduleItem> schedules;
    private final DynamoDbTable<QuotaItem> quotas;
    private final IdempotencyStore firstAnswers;
    private final DynamoDbTable<AuditItem> audit;
    private final DynamoDbTable<SnapshotItem> snapshots;
    private final DynamoDbTable<TokenItem> tokens;
    private final DynamoDbTable<CheckItem> checks;

    public DollyStore(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
        this.clones = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(CloneItem.class));
        this.hosts = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(HostItem.class));
        this.templates = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(TemplateItem.class));
        this.schedules = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(ScheduleItem.class));
        this.quotas = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(QuotaItem.class));
        this.firstAnswers = new IdempotencyStore(
                enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(IdempotencyItem.class)), clock);
        this.audit = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(AuditItem.class));
        this.snapshots = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(SnapshotItem.class));
        this.tokens = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(TokenItem.class));
        this.checks = enhanced.table(table, software.amazon.awssdk.enhanced.dynamodb.TableSchema.fromBean(CheckItem.class));
    }

    private static Key key(String pk, String sk) {
        return Writes.key(pk, sk);
    }

    // ---------------------------------------------------------------- clones

    public CloneItem clone(String id) {
        return clones.getItem(r -> r.key(key(CloneItem.pk(id), "CLONE")).consistentRead(true));
    }

    /** Outcome of {@link #createCharging}. */
    public enum CreateOutcome { CREATED, EXISTS, QUOTA_EXCEEDED }

    /**
     * Records a new clone and charges its owner's quota in one transaction. The clone's put is
     * conditional on the id being free; the quota's on its version (so concurrent charges serialize).
     * Retries lost races on the quota; returns EXISTS as soon as the id is taken.
     */
    public CreateOutcome createCharging(CloneItem item, int maxClones) {
        return createCharging(item, maxClones, null);
    }

    /**
     * As above; {@code quotaSeen} is the owner's quota item as the caller just read it (the caller also just saw
     * the id free), which saves the first attempt two reads. The writes' conditions still decide.
     */
    public CreateOutcome createCharging(CloneItem item, int maxClones, QuotaItem quotaSeen) {
        for (int attempt = 0; attempt < 40; attempt++) {
            if ((attempt > 0 || quotaSeen == null) && clone(item.getId()) != null) {
                return CreateOutcome.EXISTS;
            }
            QuotaItem q = attempt == 0 && quotaSeen != null ? quotaSeen : quota(item.getOwner());
            if (q.getClones() >= maxClones) {
                return CreateOutcome.QUOTA_EXCEEDED;
            }
            q.setClones(q.getClones() + 1);
            item.setVersion(null);
            try {
                enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                        .addPutItem(clones, TransactPutItemEnhancedRequest.builder(CloneItem.class).item(item)
                                .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build()).build())
                        .addPutItem(quotas, q)
                        .build());
                item.setVersion(1L);
                return CreateOutcome.CREATED;
            } catch (TransactionCanceledException | TransactionConflictException e) {
                log.debug("create {} lost a race (attempt {}): {}", item.getId(), attempt, reasons(e));
                if (e instanceof TransactionCanceledException t && failedCondition(t, 0)) {
                    return CreateOutcome.EXISTS; // the id was taken meanwhile
                }
                Writes.backoff(attempt);
            }
        }
        throw new ConflictException("could not record clone " + item.getId() + ": too much contention", null);
    }

    /** Writes a changed clone if nobody changed it since it was read (version check). */
    public CloneItem update(CloneItem item) {
        try {
            clones.putItem(PutItemEnhancedRequest.builder(CloneItem.class).item(item)
                    .conditionExpression(Expression.builder().expression("attribute_exists(pk)").build()).build());
            item.setVersion(item.getVersion() == null ? 1L : item.getVersion() + 1);
            return item;
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("clone " + item.getId() + " changed meanwhile", e);
        }
    }

    /** An audit event to write in the same transaction as a state change. */
    public record Audit(String subject, String principal, String front, String action, String outcome, String detail) {}

    /** Removes a clone (version-checked) and gives its owner's quota back, in one transaction (with {@code audit}, when given). */
    public void removeReleasing(CloneItem item, Audit audit) {
        for (int attempt = 0; attempt < 40; attempt++) {
            QuotaItem q = quota(item.getOwner());
            q.setClones(Math.max(0, q.getClones() - 1));
            try {
                TransactWriteItemsEnhancedRequest.Builder tx = TransactWriteItemsEnhancedRequest.builder()
                        .addDeleteItem(clones, TransactDeleteItemEnhancedRequest.builder()
                                .key(key(item.getPk(), item.getSk()))
                                .conditionExpression(Writes.versionIs(item.getVersion()))
                                .build())
                        .addPutItem(quotas, q);
                if (audit != null) {
                    tx.addPutItem(this.audit, auditItem(audit));
                }
                enhanced.transactWriteItems(tx.build());
                return;
            } catch (TransactionCanceledException e) {
                if (failedCondition(e, 0)) {
                    throw new ConflictException("clone " + item.getId() + " changed meanwhile", e);
                }
                Writes.backoff(attempt);
            } catch (TransactionConflictException e) {
                Writes.backoff(attempt);
            }
        }
        throw new ConflictException("could not remove clone " + item.getId() + ": too much contention", null);
    }

    public List<CloneItem> clonesOwnedBy(String ownerKey) {
        List<CloneItem> out = new ArrayList<>();
        clones.index(TableSchema.BY_OWNER.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("OWNER#" + ownerKey)))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    public List<CloneItem> allClones() {
        List<CloneItem> out = new ArrayList<>();
        clones.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#clone")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    // ---------------------------------------------------------------- quota

    public QuotaItem quota(String principalKey) {
        QuotaItem q = quotas.getItem(r -> r.key(key(QuotaItem.pk(principalKey), "QUOTA")).consistentRead(true));
        return q != null ? q : QuotaItem.create(principalKey);
    }

    // ---------------------------------------------------------------- hosts

    public HostItem host(String name) {
        return hosts.getItem(r -> r.key(key(HostItem.pk(name), "HOST")).consistentRead(true));
    }

    public List<HostItem> allHosts() {
        List<HostItem> out = new ArrayList<>();
        hosts.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#host")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    /** Applies {@code change} to the host item (created when missing) with a version-checked write, retried on conflict. */
    public HostItem updateHost(String name, java.util.function.Consumer<HostItem> change) {
        for (int attempt = 0; attempt < 20; attempt++) {
            HostItem h = host(name);
            if (h == null) h = HostItem.create(name);
            change.accept(h);
            try {
                hosts.putItem(h);
                return h;
            } catch (ConditionalCheckFailedException e) {
                Writes.backoff(attempt);
            }
        }
        throw new ConflictException("could not update host " + name, null);
    }

    // ---------------------------------------------------------------- templates

    public TemplateItem template(String name) {
        return templates.getItem(r -> r.key(key(TemplateItem.pk(name), "TEMPLATE")).consistentRead(true));
    }

    public List<TemplateItem> allTemplates() {
        List<TemplateItem> out = new ArrayList<>();
        templates.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#template")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    /** Version-checked write of a template item (new items: only if absent). */
    public TemplateItem putTemplate(TemplateItem t) {
        try {
            templates.putItem(t);
            t.setVersion(t.getVersion() == null ? 1L : t.getVersion() + 1);
            return t;
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("template " + t.getName() + " changed meanwhile", e);
        }
    }

    /** Where the local refresh schedule of {@code template} stands (null: never seen). */
    public ScheduleItem schedule(String template) {
        return schedules.getItem(r -> r.key(key(TemplateItem.pk(template), "SCHEDULE")).consistentRead(true));
    }

    /** Version-checked write of a schedule item: of two writers of the same slot, one gets ConflictException. */
    public ScheduleItem putSchedule(ScheduleItem s) {
        try {
            schedules.putItem(s);
            s.setVersion(s.getVersion() == null ? 1L : s.getVersion() + 1);
            return s;
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("schedule of " + s.getTemplate() + " changed meanwhile", e);
        }
    }

    // ---------------------------------------------------------------- snapshots

    /** The snapshots of {@code template} hosts reported, in id order. */
    public List<SnapshotItem> snapshotsOf(String template) {
        List<SnapshotItem> out = new ArrayList<>();
        snapshots.query(QueryConditional.sortBeginsWith(k -> k.partitionValue(TemplateItem.pk(template)).sortValue("SNAPSHOT#")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    /** Applies {@code change} to a snapshot item (created when missing) with a version-checked write, retried on conflict. */
    public void updateSnapshot(String template, String id, java.util.function.Predicate<SnapshotItem> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            SnapshotItem s = snapshots.getItem(r -> r.key(key(TemplateItem.pk(template), "SNAPSHOT#" + id)).consistentRead(true));
            if (s == null) s = SnapshotItem.create(template, id);
            if (!change.test(s)) return; // nothing changed
            try {
                snapshots.putItem(s);
                return;
            } catch (ConditionalCheckFailedException e) {
                Writes.backoff(attempt);
            }
        }
    }

    /** Removes a snapshot item that no host reports any more. */
    public void removeSnapshot(SnapshotItem s) {
        try {
            snapshots.deleteItem(r -> r.key(key(s.getPk(), s.getSk()))
                    .conditionExpression(Writes.versionIs(s.getVersion())));
        } catch (ConditionalCheckFailedException ignored) {
            // changed meanwhile: the next heartbeat looks again
        }
    }

    // ---------------------------------------------------------------- idempotency

    public IdempotencyItem idempotency(String scope, String key) {
        return firstAnswers.get(scope, key);
    }

    /**
     * Claims {@code scope/key} for {@code owner} and a request with {@code requestHash} under a lease until
     * {@code leaseUntil}: null when {@code owner} now holds it, else the record there. A claim whose lease ran
     * out is taken over.
     */
    public IdempotencyItem claim(String scope, String key, String requestHash, String owner, Instant leaseUntil, Instant expires) {
        return firstAnswers.claim(scope, key, requestHash, owner, leaseUntil, expires);
    }

    /** Extends {@code owner}'s lease; false when the claim is no longer its own. */
    public boolean renew(String scope, String key, String owner, Instant leaseUntil) {
        return firstAnswers.renew(scope, key, owner, leaseUntil);
    }

    /** Stores the first answer of {@code owner}'s claim; false when the claim is no longer its own. */
    public boolean complete(String scope, String key, String owner, String answerType, int status, String answer, boolean sealed) {
        return firstAnswers.complete(scope, key, owner, answerType, status, answer, sealed);
    }

    /** Forgets {@code owner}'s claim (the request failed in a way a retry may fix). */
    public void release(String scope, String key, String owner) {
        firstAnswers.release(scope, key, owner);
    }

    // ---------------------------------------------------------------- personal tokens

    /** The token whose SHA-256 is {@code hash}, or null. */
    public TokenItem token(String hash) {
        return tokens.getItem(r -> r.key(key(TokenItem.pk(hash), "TOKEN")).consistentRead(true));
    }

    /** Every token (gsi2 {@code KIND#token}, by id); eventually consistent. */
    public List<TokenItem> allTokens() {
        List<TokenItem> out = new ArrayList<>();
        tokens.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#token")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    /** The token with id {@code id} (read again by its key, so the answer is current), or null. */
    public TokenItem tokenById(String id) {
        List<TokenItem> found = new ArrayList<>();
        tokens.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#token").sortValue(id)))
                .forEach(p -> found.addAll(p.items()));
        if (found.isEmpty()) return null;
        return tokens.getItem(r -> r.key(key(found.get(0).getPk(), "TOKEN")).consistentRead(true));
    }

    /** Version-checked write of a token (a new one: only if absent); {@link ConflictException} when it moved meanwhile. */
    public TokenItem putToken(TokenItem t) {
        try {
            tokens.putItem(t);
            t.setVersion(t.getVersion() == null ? 1L : t.getVersion() + 1);
            return t;
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("token " + t.getId() + " changed meanwhile", e);
        }
    }

    // ---------------------------------------------------------------- migration checks

    /** The check {@code id}, or null. */
    public CheckItem check(String id) {
        return checks.getItem(r -> r.key(key(CheckItem.pk(id), "CHECK")).consistentRead(true));
    }

    /** The checks still open (CLONING, RUNNING, OBSERVING: gsi2 {@code KIND#check}, sparse), read again by key; eventually consistent. */
    public List<CheckItem> openChecks() {
        List<CheckItem> found = new ArrayList<>();
        checks.index(TableSchema.BY_KIND.name())
                .query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#check")))
                .forEach(p -> found.addAll(p.items()));
        List<CheckItem> out = new ArrayList<>();
        for (CheckItem c : found) {
            CheckItem now = check(c.getId());
            if (now != null) out.add(now);
        }
        return out;
    }

    /** Version-checked write of a check (a new one: only if absent); {@link ConflictException} when it moved meanwhile. */
    public CheckItem putCheck(CheckItem c) {
        try {
            checks.putItem(c);
            c.setVersion(c.getVersion() == null ? 1L : c.getVersion() + 1);
            return c;
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("check " + c.getId() + " changed meanwhile", e);
        }
    }

    // ---------------------------------------------------------------- audit

    /** Appends an audit event: who did what to which clone or template, from which front, and how it ended. */
    public void audit(String subject, String principal, String front, String action, String outcome, String detail) {
        try {
            audit.putItem(auditItem(new Audit(subject, principal, front, action, outcome, detail)));
        } catch (RuntimeException e) {
            log.warn("audit write failed for {} {}: {}", subject, action, e.toString());
        }
    }

    private AuditItem auditItem(Audit e) {
        Instant now = clock.instant();
        AuditItem a = new AuditItem();
        a.setPk("AUDIT#" + e.subject());
        a.setSk(now + "#" + UUID.randomUUID());
        a.setSubject(e.subject());
        a.setAt(now);
        a.setPrincipal(e.principal());
        a.setFront(e.front());
        a.setAction(e.action());
        a.setOutcome(e.outcome());
        a.setDetail(e.detail());
        a.indexByKind("audit", a.getSk());
        return a;
    }

    public List<AuditItem> auditOf(String subject) {
        List<AuditItem> out = new ArrayList<>();
        audit.query(QueryConditional.keyEqualTo(k -> k.partitionValue("AUDIT#" + subject))).forEach(p -> out.addAll(p.items()));
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static boolean failedCondition(TransactionCanceledException e, int index) {
        List<CancellationReason> rs = e.cancellationReasons();
        return rs != null && rs.size() > index && "ConditionalCheckFailed".equals(rs.get(index).code());
    }

    private static String reasons(Exception e) {
        if (e instanceof TransactionCanceledException t && t.cancellationReasons() != null) {
            return t.cancellationReasons().stream().map(CancellationReason::code).toList().toString();
        }
        return e.getClass().getSimpleName();
    }

    DynamoDbClient client() { return client; }

    static Map<String, AttributeValue> none() { return Map.of(); }
}
