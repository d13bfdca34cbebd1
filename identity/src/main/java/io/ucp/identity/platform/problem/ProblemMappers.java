package io.ucp.identity.platform.problem;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import io.vertx.pgclient.PgException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure that reaches a REST resource into RFC 9457 problem details. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = respond(Problem.of(e.status(), e.slug(), e.title(), e.getMessage(), path(uri))
                .withErrors(e.errors()));
        if (e.retryAfterSeconds() != null) {
            builder.header("Retry-After", e.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(Problem.of(400, "invalid-request", "Invalid request", detail, path(uri)).withErrors(errors))
                .build();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        if (e.getProcessor() instanceof JsonGenerator) {
            // Writing a response failed: the server's fault, not the client's.
            return unexpected(e, uri);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return fieldProblem(fieldOf(mapping.getPath()), "has the wrong type or format", uri);
        }
        if (e instanceof JsonParseException && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Duplicate field")
                && e.getProcessor() instanceof JsonParser parser) {
            String field = currentName(parser);
            return fieldProblem(field == null ? "body" : field, "appears more than once", uri);
        }
        return respond(Problem.of(400, "malformed-json", "Malformed JSON",
                "The request body is not valid JSON", path(uri))).build();
    }

    /**
     * More specific than the JSON provider's own mappers, which would answer plain JSON or nothing: a body that
     * cannot bind (wrong shape, a creator refusing a value, duplicated keys) is the client's mistake.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unbindableJson(JsonMappingException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    private Response fieldProblem(String field, String message, UriInfo uri) {
        return respond(Problem.of(400, "invalid-request", "Invalid request", field + ": " + message, path(uri))
                .withErrors(List.of(new Problem.FieldError(field, message)))).build();
    }

    private static String currentName(JsonParser parser) {
        try {
            return parser.currentName();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Request refused" : known.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "No resource at this path";
            case 405 -> "Method not allowed on this resource";
            case 406 -> "No acceptable representation; this API serves application/json";
            case 415 -> "Unsupported media type; send application/json";
            default -> title;
        };
        Response.ResponseBuilder builder = respond(Problem.of(status, slug(title), title, detail, path(uri)));
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Allow") || name.equalsIgnoreCase("Retry-After")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class,
            AuthenticationCompletionException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return respond(Problem.of(401, "unauthorized", "Unauthorized",
                "A valid access token is required (Authorization: Bearer ...)", path(uri)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(403, "forbidden", "Forbidden", "Your role does not allow this", path(uri))).build();
    }

    @ServerExceptionMapper
    public Response staleVersion(org.hibernate.StaleObjectStateException e, UriInfo uri) {
        return respond(Problem.of(409, "conflict", "Conflict",
                "The resource was changed concurrently; read it again and retry", path(uri))).build();
    }

    @ServerExceptionMapper
    public Response database(PgException e, UriInfo uri) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        if (state.equals("23505") || state.equals("23503") || state.equals("40001")) {
            return respond(Problem.of(409, "conflict", "Conflict",
                    "The request conflicts with existing data", path(uri))).build();
        }
        if (state.startsWith("22") || state.equals("23514") || state.equals("23502")) {
            // A value that passed validation but not the database's rules: still the client's data, never a 500.
            return respond(Problem.of(422, "unprocessable", "Unprocessable request",
                    "A value is outside what the data model accepts", path(uri))).build();
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        // Reactive pipelines wrap the real failure (CompletionException, HibernateException): map the cause if known.
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof ProblemException problem) {
                return problem(problem, uri);
            }
            if (cause instanceof PgException pg) {
                return database(pg, uri);
            }
            if (cause instanceof org.hibernate.StaleObjectStateException stale) {
                return staleVersion(stale, uri);
            }
        }
        String incident = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected failure on %s (incident %s)", path(uri), incident);
        return respond(Problem.of(500, "internal-error", "Internal error",
                "An unexpected error occurred; incident " + incident, path(uri))).build();
    }

    private static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /**
     * Drops the method and parameter nodes so the client sees {@code email}, not {@code signUp.arg0.email};
     * a constrained query or path parameter (the last node) keeps its own name.
     */
    private static String fieldOf(ConstraintViolation<?> violation) {
        List<Path.Node> nodes = new ArrayList<>();
        violation.getPropertyPath().forEach(nodes::add);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Path.Node node = nodes.get(i);
            ElementKind kind = node.getKind();
            boolean last = i == nodes.size() - 1;
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR || kind == ElementKind.RETURN_VALUE
                    || kind == ElementKind.CROSS_PARAMETER || (kind == ElementKind.PARAMETER && !last)) {
                continue;
            }
            // An element of a list or map carries its index on itself; it belongs to the container's name.
            if (node.isInIterable() && !names.isEmpty()) {
                Object position = node.getIndex() != null ? node.getIndex() : node.getKey();
                if (position != null) {
                    names.set(names.size() - 1, names.get(names.size() - 1) + "[" + position + "]");
                }
            }
            String name = node.getName();
            if (name != null && !name.isEmpty() && !name.startsWith("<")) {
                names.add(name);
            }
        }
        return names.isEmpty() ? "body" : String.join(".", names);
    }

    private static String fieldOf(List<JsonMappingException.Reference> refs) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }
}
