package dev.dolly.functions;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** The routes a running local server maps, read from its handler mappings: "METHOD pattern" ("ANY" when any method). */
final class MappedRoutes {
    private MappedRoutes() {}

    static Set<String> of(ApplicationContext context) {
        Set<String> routes = new TreeSet<>();
        for (HandlerMapping m : context.getBeansOfType(HandlerMapping.class).values()) {
            if (m instanceof RequestMappingHandlerMapping rm) {
                for (RequestMappingInfo info : rm.getHandlerMethods().keySet()) {
                    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                    for (String pattern : info.getPatternValues()) {
                        if (methods.isEmpty()) {
                            routes.add("ANY " + pattern);
                        }
                        methods.forEach(method -> routes.add(method.name() + " " + pattern));
                    }
                }
            } else if (m instanceof AbstractUrlHandlerMapping um) {
                um.getHandlerMap().keySet().forEach(pattern -> routes.add("ANY " + pattern));
            }
        }
        return routes;
    }
}
