package dev.dolly.agent.template;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.process.ProcessRunner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which {@link TemplatePopulator} builds a template: the first registered whose predicate
 * matches the template's config. A template with {@code source} is a live-source refresh; one
 * with {@code seed} is applied from SQL files.
 */
public final class Populators {
    private final List<Map.Entry<Predicate<TemplateConfig>, TemplatePopulator>> entries = new ArrayList<>();

    /** What a populator may need from the agent. {@code env} holds the agent's environment (source passwords come from it). */
    public record Context(AgentConfig config, ProcessRunner runner, Map<String, String> env, Clock clock) {}

    /** The agent's populators. The live-source refresh registers here, before seed. */
    public static Populators defaults(Context ctx) {
        return new Populators()
                .register(TemplateConfig::hasSource, new dev.dolly.agent.refresh.LiveSourcePopulator(ctx))
                .register(TemplateConfig::hasSeed, new SeedPopulator(ctx.runner()));
    }

    public Populators register(Predicate<TemplateConfig> when, TemplatePopulator populator) {
        entries.add(Map.entry(when, populator));
        return this;
    }

    public TemplatePopulator forTemplate(TemplateConfig t) {
        for (var e : entries) {
            if (e.getKey().test(t)) {
                return e.getValue();
            }
        }
        throw new AgentException(ErrorCode.INVALID_REQUEST,
                "template " + t.name() + " has neither 'seed' nor 'source' in its config: nothing to build it from");
    }
}
