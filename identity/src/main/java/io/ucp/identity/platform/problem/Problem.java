package io.ucp.identity.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** RFC 9457 problem details body; {@code errors} names each offending field. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, URI instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://ucp.io/problems/";

    public static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem(URI.create(TYPE_BASE + slug), title, status, detail,
                instance(instance), List.of());
    }

    /**
     * The request path as a relative URI reference, its characters quoted as needed: a decoded path may hold
     * spaces, quotes, braces or NUL (sent percent-encoded), which {@code URI.create} would refuse.
     */
    static URI instance(String path) {
        if (path == null) {
            return null;
        }
        try {
            return new URI(null, null, path, null);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, List.copyOf(fieldErrors));
    }

    /** One invalid field: a JSON-pointer-like dotted path, and why it was refused. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
