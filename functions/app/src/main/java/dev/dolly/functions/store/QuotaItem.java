package dev.dolly.functions.store;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** A principal's quota counter: pk {@code QUOTA#principal}: how many clones it holds. */
@DynamoDbBean
public class QuotaItem extends BaseItem {
    private String principal;
    private int clones;

    public static String pk(String principalKey) { return "QUOTA#" + principalKey; }

    public static QuotaItem create(String principalKey) {
        QuotaItem q = new QuotaItem();
        q.setPk(pk(principalKey));
        q.setSk("QUOTA");
        q.principal = principalKey;
        return q;
    }

    public String getPrincipal() { return principal; }
    public void setPrincipal(String principal) { this.principal = principal; }
    public int getClones() { return clones; }
    public void setClones(int clones) { this.clones = clones; }
}
