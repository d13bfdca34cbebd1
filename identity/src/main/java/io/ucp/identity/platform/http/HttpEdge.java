package io.ucp.identity.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucp.identity.platform.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The first handler of every request on the public port: security headers on every response, and the HTTP layer's
 * own refusals (a too-long URI, a declared body over the limit) as problem+json instead of Vert.x's bare status.
 * It runs before Quarkus' upload-limit handler and before routing, so it also covers /q/ and unknown paths.
 */
@ApplicationScoped
public class HttpEdge {

    /** JSON APIs load nothing; Swagger UI needs its own scripts, styles and inline bootstrap. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    static final String SWAGGER_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    private static final int ORDER = -1_000;

    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final int maxUriLength;
    private final io.vertx.ext.web.handler.BodyHandler chunked;

    public HttpEdge(ObjectMapper json,
            @ConfigProperty(name = "ucp.http.max-body-bytes", defaultValue = "262144") long maxBodyBytes,
            @ConfigProperty(name = "ucp.http.max-uri-length", defaultValue = "4096") int maxUriLength) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.maxUriLength = maxUriLength;
        this.chunked = io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
        router.route().order(ORDER).failureHandler(this::failed);
    }

    /** The streamed-body limit below failed the request: answered as a problem too. */
    void failed(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().ended() && !context.response().headWritten()) {
            refuse(context, 413, "payload-too-large", "Payload too large",
                    "The body may be at most " + maxBodyBytes + " bytes", context.request().path());
            return;
        }
        context.next();
    }

    void handle(RoutingContext context) {
        String path = context.request().path();
        HttpServerResponse response = context.response();
        response.putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy",
                        path != null && path.startsWith("/q/swagger-ui") ? SWAGGER_CSP : API_CSP);
        // API answers carry tokens and personal data: never cached unless an endpoint says otherwise (JWKS).
        context.addHeadersEndHandler(v -> {
            if (!response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
                response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache");
            }
        });
        String uri = context.request().uri();
        if (uri != null && uri.length() > maxUriLength) {
            refuse(context, 414, "uri-too-long", "URI too long",
                    "The request URI may be at most " + maxUriLength + " characters", null);
            return;
        }
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                refuse(context, 400, "invalid-request", "Invalid request", "Content-Length is not a number", path);
                return;
            }
            if (length > maxBodyBytes) {
                refuse(context, 413, "payload-too-large", "Payload too large",
                        "The body may be at most " + maxBodyBytes + " bytes", path);
                return;
            }
        } else if (context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A chunked body is only measured while it streams in: read it here, capped, so that passing the limit
            // fails the request with 413 (answered by failed(...)) instead of the REST layer's bare 413.
            chunked.handle(context);
            return;
        }
        context.next();
    }

    private void refuse(RoutingContext context, int status, String slug, String title, String detail,
            String path) {
        String body;
        try {
            body = json.writeValueAsString(Problem.of(status, slug, title, detail, path));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        // The unread body (or the rest of a long request line) would otherwise be parsed as the next request.
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
