package dev.dolly.agent.api;

/** A clone and its owner's password: returned by create and by password rotation only; nothing stores it. */
public record CloneCredentials(CloneView cloneView, String password) {
    @Override
    public String toString() {
        return "CloneCredentials[cloneView=" + cloneView + ", password=***]";
    }
}
