package dev.dolly.agent.refresh;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.TemplateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which {@link TemplatePopulator} builds a template: the first registered whose predicate
 * matches the template's config. A template with {@code source} is a live-source refresh; one
 * with {@code seed} is applied from SQL files. The composition root ({@code Agent.populators})
 * registers the agent's populators.
 */
public final class Populators {
    private final List<Map.Entry<Predicate<TemplateConfig>, TemplatePopulator>> entries = new ArrayList<>();

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
