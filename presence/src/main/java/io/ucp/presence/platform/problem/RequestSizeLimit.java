package io.ucp.presence.platform.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a declared body larger than the API accepts with a problem+json 413 before anything reads it. The HTTP
 * layer's own limit ({@code quarkus.http.limits.max-body-size}) stays as the backstop for bodies sent chunked.
 */
public class RequestSizeLimit {

    private final long maxBytes;

    public RequestSizeLimit(@ConfigProperty(name = "ucp.http.max-body-bytes", defaultValue = "262144") long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @ServerRequestFilter(preMatching = true)
    public Response checkDeclaredLength(ContainerRequestContext request) {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return null;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return problem(400, "invalid-request", "Invalid request", "Content-Length is not a number", request);
        }
        if (length > maxBytes) {
            return problem(413, "payload-too-large", "Payload too large",
                    "The body may be at most " + maxBytes + " bytes", request);
        }
        return null;
    }

    private static Response problem(int status, String slug, String title, String detail,
            ContainerRequestContext request) {
        Problem body = Problem.of(status, slug, title, detail, request.getUriInfo().getRequestUri().getPath())
                .withErrors(List.of());
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }
}
