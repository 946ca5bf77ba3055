package dev.dolly.functions.schedule;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.ScheduleItem;
import dev.dolly.functions.store.TemplateItem;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs templates' {@code refresh.schedule} without EventBridge (the local server, a self-hosted box).
 * Each {@link #tick()} looks at every scheduled template: when its next run is due it claims the slot (a
 * version-checked write, so two processes never both run it), and starts a refresh as the scheduler
 * principal, unless a refresh of that template is running (the slot is then skipped, never queued).
 * Slots missed while nothing ticked (the stack was down) collapse into one catch-up run; a schedule seen
 * for the first time waits for its next slot.
 */
public class RefreshScheduler {
    private static final Logger log = LoggerFactory.getLogger(RefreshScheduler.class);
    /** Missed slots are skipped over by stepping; past this many, the schedule restarts from now. */
    private static final int MAX_STEPS = 100_000;

    private final Map<String, RefreshSchedule> schedules = new LinkedHashMap<>();
    private final DollyStore store;
    private final CommandPort commands;
    private final Clock clock;

    /** @param expressions template name → its schedule expression; invalid ones are logged and left out */
    public RefreshScheduler(Map<String, String> expressions, ZoneId zone, DollyStore store, CommandPort commands, Clock clock) {
        this.store = store;
        this.commands = commands;
        this.clock = clock;
        expressions.forEach((template, expression) -> {
            try {
                schedules.put(template, RefreshSchedule.parse(expression, zone));
            } catch (IllegalArgumentException e) {
                log.error("template {}: refresh.schedule is not used: {}", template, e.getMessage());
            }
        });
    }

    public Map<String, RefreshSchedule> schedules() { return Map.copyOf(schedules); }

    /** One pass over every schedule; returns how many refreshes it started. */
    public int tick() {
        int started = 0;
        for (Map.Entry<String, RefreshSchedule> e : schedules.entrySet()) {
            try {
                if (tick(e.getKey(), e.getValue())) started++;
            } catch (ConflictException c) {
                log.info("schedule of {}: handled by another process meanwhile", e.getKey());
            } catch (RuntimeException ex) {
                log.warn("schedule of {} failed: {}", e.getKey(), ex.toString());
            }
        }
        return started;
    }

    private boolean tick(String template, RefreshSchedule schedule) {
        Instant now = clock.instant();
        ScheduleItem s = store.schedule(template);
        if (s == null || s.getLastSlot() == null || !schedule.expression().equals(s.getExpression())) {
            // first sight (or a new expression): wait for the next slot
            if (s == null) s = ScheduleItem.create(template);
            s.setExpression(schedule.expression());
            s.setLastSlot(now);
            s.setNextRunAt(schedule.nextAfter(now));
            store.putSchedule(s);
            return false;
        }
        Instant due = schedule.nextAfter(s.getLastSlot());
        if (due == null || now.isBefore(due)) return false;
        // the latest slot at or before now: every missed slot counts as this one run
        Instant slot = due;
        for (int i = 0; i < MAX_STEPS; i++) {
            Instant next = schedule.nextAfter(slot);
            if (next == null || next.isAfter(now)) break;
            slot = next;
            if (i == MAX_STEPS - 1) slot = now;
        }
        TemplateItem t = store.template(template);
        boolean running = t != null && t.refreshRunning();
        Instant previous = s.getLastSlot();
        s.setLastSlot(slot);
        s.setNextRunAt(schedule.nextAfter(slot));
        s.setLastRunAt(now);
        s.setLastOutcome(running ? "skipped: a refresh of " + template + " was running" : "starting");
        store.putSchedule(s); // the claim: a second process writing the same slot gets ConflictException
        if (running) {
            log.info("scheduled refresh of {} skipped: one is running", template);
            return false;
        }
        String outcome;
        try {
            CommandResult r = commands.execute(Principal.scheduler(), Front.SCHEDULE, new Command.Refresh(template),
                    "schedule:" + template + ":" + slot.getEpochSecond());
            outcome = r instanceof CommandResult.RefreshInfo info ? "started job " + info.job() : "started";
            log.info("scheduled refresh of {} ({}): {}", template, schedule.expression(), outcome);
        } catch (DollyException ex) {
            outcome = "failed to start: " + ex.getMessage();
            log.warn("scheduled refresh of {} did not start: {}", template, ex.getMessage());
            if (ex.kind() == ErrorKind.UNAVAILABLE) {
                // no healthy host yet (e.g. just after a start): the slot stays due and the next tick tries again
                s.setLastSlot(previous);
                s.setNextRunAt(slot);
            }
        } catch (RuntimeException ex) {
            outcome = "failed to start: " + ex.getMessage();
            log.warn("scheduled refresh of {} did not start: {}", template, ex.getMessage());
        }
        s.setLastOutcome(outcome);
        try {
            store.putSchedule(s);
        } catch (ConflictException ignored) {
            // someone else moved on meanwhile; the outcome is only informative
        }
        return outcome.startsWith("started");
    }
}
