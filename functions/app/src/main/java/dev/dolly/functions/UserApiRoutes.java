package dev.dolly.functions;

import dev.dolly.functions.web.UserApi;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The user API on the local server: exactly the routes of {@link UserApi#ROUTES}, each mapped to the same handler
 * the Lambda function uses (so the server's mappings list them one by one, as the route and OpenAPI tests read them).
 */
@Component
@ConditionalOnWebApplication
public class UserApiRoutes implements InitializingBean {
    private final UserApi api;
    private final RequestMappingHandlerMapping mappings;

    public UserApiRoutes(UserApi api, RequestMappingHandlerMapping requestMappingHandlerMapping) {
        this.api = api;
        this.mappings = requestMappingHandlerMapping;
    }

    @Override
    public void afterPropertiesSet() throws NoSuchMethodException {
        var handler = UserApiRoutes.class.getMethod("serve", HttpServletRequest.class);
        for (UserApi.Route r : UserApi.ROUTES) {
            RequestMappingInfo info = RequestMappingInfo.paths(UserApi.PREFIX + r.path())
                    .methods(RequestMethod.valueOf(r.method()))
                    .options(mappings.getBuilderConfiguration())
                    .build();
            mappings.registerMapping(info, this, handler);
        }
    }

    /** One user API request: the raw body (JSON) to the shared handler. */
    public ResponseEntity<String> serve(HttpServletRequest request) throws IOException {
        return LocalRoutes.entity(dev.dolly.functions.web.RequestScope.handle(LocalRoutes.call(request, request.getInputStream().readAllBytes()), api::handle));
    }
}
