package io.ucp.identity.platform.openapi;

import io.ucp.identity.platform.problem.Problem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The parts of the API document that are the same for every operation, so no resource repeats them: the one
 * {@code Problem} schema (what {@code platform.problem} writes) as the body of every error response, and the error
 * statuses any operation can answer whatever it does (the HTTP edge, the revocation filter, the unexpected-failure
 * mapper). Operation-specific statuses (404, 409, 422, 429, ...) are declared on the resources.
 */
public class ContractFilter implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
    /**
     * The roles an operation needs, next to its @RolesAllowed. OpenAPI 3.0 allows scopes only for OAuth2 and
     * OpenID Connect schemes, so a bearer requirement cannot carry them (ContractTest checks both agree).
     */
    public static final String ROLES = "x-required-roles";

    /** Statuses every operation can answer, with why (the HTTP edge and the mappers run for every request). */
    private static final Map<String, String> EVERY_OPERATION = Map.of(
            "400", "Invalid request: a field, parameter or header is refused (errors[] names each one)",
            "401", "A valid access token is required, or the one presented was revoked (WWW-Authenticate: Bearer)",
            "406", "No acceptable representation; this API serves application/json",
            "414", "URI too long",
            "500", "Unexpected failure; detail carries the incident id the logs record");
    /** Statuses of the body limits, only where the operation takes a body. */
    private static final Map<String, String> WITH_BODY = Map.of(
            "413", "Body over the size limit",
            "415", "Unsupported media type; send application/json");
    /** Quarkus adds these to every secured operation; ours say more and keep 403 where a role is needed. */
    private static final String AUTO_403 = "Not Allowed";

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        openApi.getComponents().addSchema(FIELD_ERROR, fieldErrorSchema());
        openApi.getComponents().addSchema(PROBLEM, problemSchema());
        if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
            return;
        }
        if (openApi.getTags() != null) {
            // A class-level @Extension also lands on the resource's tag; it belongs on the operations only.
            openApi.getTags().forEach(tag -> tag.removeExtension(ROLES));
        }
        for (PathItem item : openApi.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                completeErrors(operation);
            }
        }
    }

    private static void completeErrors(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        if (responses.getExtensions() != null) {
            // A method-level @Extension can also land on the operation's responses; it belongs on the operation only.
            responses.removeExtension(ROLES);
        }
        boolean needsRole = operation.getExtensions() != null && operation.getExtensions().containsKey(ROLES);
        APIResponse forbidden = responses.getAPIResponse("403");
        if (forbidden != null && !needsRole && AUTO_403.equals(forbidden.getDescription())) {
            // Only @RolesAllowed answers 403 by itself; other 403s are declared on the operation.
            responses.removeAPIResponse("403");
        }
        Map<String, String> generic = new TreeMap<>(EVERY_OPERATION);
        if (operation.getRequestBody() != null) {
            generic.putAll(WITH_BODY);
        }
        if (operation.getRequestBody() != null || hasPathOrQueryParameter(operation)) {
            // platform.problem maps a value PostgreSQL refuses (a NUL character in text, say) to 422.
            generic.putIfAbsent("422", "A value passed validation but not the data model's rules "
                    + "(a NUL character in text, for one)");
        }
        if (needsRole) {
            generic.put("403", "Your role does not allow this (" + ROLES + " names the roles that do)");
        }
        for (Map.Entry<String, String> status : generic.entrySet()) {
            APIResponse existing = responses.getAPIResponse(status.getKey());
            if (existing == null || isAutoDescription(existing.getDescription())) {
                responses.addAPIResponse(status.getKey(),
                        OASFactory.createAPIResponse().description(status.getValue()));
            }
        }
        for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
            if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                APIResponse error = response.getValue();
                error.setContent(problemContent());
                if (response.getKey().equals("429")) {
                    error.addHeader("Retry-After", OASFactory.createHeader()
                            .description("Seconds until the limit's window ends")
                            .schema(OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(BigDecimal.ONE)));
                }
            }
        }
    }

    private static boolean hasPathOrQueryParameter(Operation operation) {
        return operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> p.getIn() == Parameter.In.PATH || p.getIn() == Parameter.In.QUERY);
    }

    /** Quarkus' generated descriptions ("Bad Request", "Not Authorized", ...) are replaced by ours. */
    private static boolean isAutoDescription(String description) {
        return description == null || List.of("Bad Request", "Not Authorized", AUTO_403).contains(description);
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    /** RFC 9457 problem details as {@code platform.problem.Problem} writes them (empty fields are left out). */
    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("RFC 9457 problem details. An unexpected failure (500) names its incident id in detail, "
                        + "which the service logs with the stack trace.")
                .addProperty("type", string("uri", "https://ucp.io/problems/{slug}: what kind of problem"))
                .addProperty("title", string(null, "Short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32")
                        .minimum(BigDecimal.valueOf(400)).maximum(BigDecimal.valueOf(599))
                        .description("The HTTP status"))
                .addProperty("detail", string(null, "What went wrong with this request"))
                .addProperty("instance", string("uri-reference", "The request path"))
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY)
                        .description("Each refused field (400 invalid-request only)")
                        .items(OASFactory.createSchema().ref("#/components/schemas/" + FIELD_ERROR)))
                .required(List.of("type", "title", "status"))
                .example(Map.of(
                        "type", "https://ucp.io/problems/invalid-request",
                        "title", "Invalid request",
                        "status", 400,
                        "detail", "email: must be a well-formed email address",
                        "instance", "/v1/accounts",
                        "errors", List.of(Map.of("field", "email", "message", "must be a well-formed email address"))));
    }

    private static Schema fieldErrorSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .addProperty("field", string(null,
                        "Dotted path of the field, parameter or header (body: the whole body)"))
                .addProperty("message", string(null, "Why it was refused"))
                .required(List.of("field", "message"));
    }

    private static Schema string(String format, String description) {
        Schema schema = OASFactory.createSchema().addType(SchemaType.STRING).description(description);
        return format == null ? schema : schema.format(format);
    }
}
