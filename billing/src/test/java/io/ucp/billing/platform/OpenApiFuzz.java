package io.ucp.billing.platform;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Walks the service's own live OpenAPI document and sends every operation bad input: percent-encoded specials
 * and invalid ids in each path parameter, wrong types, over-long and control-character values in each query
 * parameter and body field, null/empty/array/duplicate-key bodies, tampered cursors; without a token, as a user
 * and as an admin. The service must answer every one with a 2xx or a 4xx problem+json (never a 5xx), and a
 * validation problem must name the field. Identical in all four services (only the package differs).
 */
public final class OpenApiFuzz {

    /** Upper bound of requests per operation (the document has ~30-45 operations per service). */
    public static final int MAX_REQUESTS_PER_OPERATION = 250;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    private static final List<String> PATH_VALUES = List.of("%20", "%00", "%22", "%27", "%7Bx%7D", "a%20b", "%25",
            "%5C", "%3C%3E", "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "-1", "99999999999999999999",
            "x".repeat(300), "%C3%28", "..%2F..%2Fetc");
    private static final String LONG = "x".repeat(10_000);
    /** ProbeResource's endpoint that answers 500 on purpose: the fuzz's own check that it sees a 5xx. */
    public static final String CRASH_PROBE = "/v1/test-probe/crash";

    /** Tokens to send: a signed-in user's (a real account where the service has them) and an admin's. */
    public record Tokens(Supplier<String> user, Supplier<String> admin) {
    }

    /** One answer the service must not give. */
    public record Finding(String operation, String variant, int status, String contentType, String body) {
        @Override
        public String toString() {
            return operation + " [" + variant + "] -> " + status + " " + contentType + " "
                    + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    public record Result(int operations, int requests, List<Finding> findings) {
    }

    private final JsonNode document;
    private final Tokens tokens;
    private final List<Finding> findings = new ArrayList<>();
    private int requests;

    private OpenApiFuzz(JsonNode document, Tokens tokens) {
        this.document = document;
        this.tokens = tokens;
    }

    /** The whole document but the test-only probe that fails on purpose (PlatformTest covers it). */
    public static Result run(Tokens tokens) throws Exception {
        return run(tokens, path -> !path.equals(CRASH_PROBE));
    }

    /** The operations whose path {@code paths} accepts. */
    public static Result run(Tokens tokens, java.util.function.Predicate<String> paths) throws Exception {
        JsonNode document = JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        OpenApiFuzz fuzz = new OpenApiFuzz(document, tokens);
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> entries = document.path("paths").fields(); entries.hasNext();) {
            Map.Entry<String, JsonNode> path = entries.next();
            if (!paths.test(path.getKey())) {
                continue;
            }
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation != null) {
                    operations++;
                    fuzz.operation(method, path.getKey(), path.getValue(), operation);
                }
            }
        }
        return new Result(operations, fuzz.requests, List.copyOf(fuzz.findings));
    }

    private void operation(String method, String template, JsonNode pathItem, JsonNode operation) {
        List<JsonNode> parameters = new ArrayList<>();
        pathItem.path("parameters").forEach(parameters::add);
        operation.path("parameters").forEach(p -> parameters.add(resolve(p)));
        Map<String, String> pathParams = new LinkedHashMap<>();
        Map<String, JsonNode> queryParams = new LinkedHashMap<>();
        for (JsonNode p : parameters) {
            JsonNode schema = resolve(p.path("schema"));
            if ("path".equals(p.path("in").asText())) {
                pathParams.put(p.path("name").asText(), plausible(schema).asText());
            } else if ("query".equals(p.path("in").asText())) {
                queryParams.put(p.path("name").asText(), schema);
            }
        }
        JsonNode bodySchema = resolve(operation.path("requestBody").path("content").path("application/json")
                .path("schema"));
        boolean hasBody = !bodySchema.isMissingNode();
        String label = method.toUpperCase() + " " + template;
        boolean admin = template.contains("/admin");
        Budget budget = new Budget();
        // One user and one admin token per operation (a user may delete itself or end its session).
        String userToken = tokens.user().get();
        String adminToken = tokens.admin().get();
        String best = admin ? adminToken : userToken;

        String path = fill(template, pathParams);
        if (!hasBody) {
            // The operation as documented, without and with a token: the baseline every variant departs from.
            for (String token : new String[] {null, best}) {
                send(budget, label, "as documented" + (token == null ? " no token" : ""), method, path, Map.of(),
                        null, token);
            }
        }
        if (hasBody) {
            // Whole bodies, with every token kind.
            for (String body : new String[] {"null", "", "{}", "[]", "\"text\"", "123", "{\"a\":1,\"a\":2}",
                    "{\"a\":", "[{}]", "{\"\u0000\":1}"}) {
                for (String token : new String[] {null, userToken, adminToken}) {
                    send(budget, label, "body " + abbreviate(body) + (token == null ? " no token" : ""), method,
                            path, Map.of(), body, token);
                }
            }
            // Field by field from a plausible body: wrong type, null, over-long, control characters, numbers.
            JsonNode sample = plausible(bodySchema);
            ObjectNode valid = sample instanceof ObjectNode object ? object : null;
            if (valid != null) {
                send(budget, label, "plausible body", method, path, Map.of(), valid.toString(), best);
                List<String> names = new ArrayList<>();
                properties(bodySchema).fieldNames().forEachRemaining(names::add);
                for (String field : names) {
                    JsonNode fieldSchema = resolve(properties(bodySchema).path(field));
                    for (JsonNode bad : badValues(fieldSchema)) {
                        ObjectNode body = valid.deepCopy();
                        body.set(field, bad);
                        send(budget, label, "field " + field + "=" + abbreviate(bad.toString()), method, path,
                                Map.of(), body.toString(), best);
                    }
                    // A duplicated key naming a real field.
                    String duplicate = valid.toString().replaceFirst("^\\{", "{\"" + field + "\":"
                            + plausible(fieldSchema) + ",");
                    if (valid.has(field)) {
                        send(budget, label, "duplicate " + field, method, path, Map.of(), duplicate, best);
                    }
                }
            }
        } else if (!"get".equals(method) && !"delete".equals(method)) {
            send(budget, label, "unexpected body", method, path, Map.of(), "{\"a\":1,\"a\":2}", best);
        }
        // Path parameters: every special in every parameter, without a token and with the best one.
        for (String name : pathParams.keySet()) {
            for (String value : PATH_VALUES) {
                Map<String, String> values = new LinkedHashMap<>(pathParams);
                values.put(name, value);
                String mutated = fill(template, values);
                for (String token : new String[] {null, best}) {
                    send(budget, label, "path " + name + "=" + value + (token == null ? " no token" : ""), method,
                            mutated, Map.of(), hasBody ? "{}" : null, token);
                }
            }
        }
        // Query parameters: wrong types, bounds, control characters, tampered cursors.
        for (Map.Entry<String, JsonNode> q : queryParams.entrySet()) {
            for (String value : queryValues(q.getKey(), q.getValue())) {
                send(budget, label, "query " + q.getKey() + "=" + abbreviate(value), method, path,
                        Map.of(q.getKey(), value), hasBody ? "{}" : null, best);
            }
        }
    }

    private void send(Budget budget, String operation, String variant, String method, String path,
            Map<String, String> query, String body, String token) {
        if (!budget.take()) {
            return;
        }
        requests++;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        RequestSpecification request = given().urlEncodingEnabled(false).redirects().follow(false)
                // Its own client address per request: the fuzz must not trip rate limits other tests count on.
                .header("X-Forwarded-For", "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255))
                .header("Idempotency-Key", UUID.randomUUID().toString());
        if (token != null) {
            request.auth().oauth2(token);
        }
        query.forEach((name, value) -> request.queryParam(name, value));
        if (body != null) {
            request.contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        }
        Response response;
        try {
            response = request.request(method.toUpperCase(), path);
        } catch (RuntimeException e) {
            findings.add(new Finding(operation, variant, -1, "", "no answer: " + e));
            return;
        }
        int status = response.statusCode();
        String contentType = response.contentType() == null ? "" : response.contentType();
        String text = response.asString();
        if (status >= 500) {
            findings.add(new Finding(operation, variant, status, contentType, text));
        } else if (status >= 400 && !contentType.startsWith("application/problem+json")) {
            findings.add(new Finding(operation, variant, status, contentType, "not problem+json: " + text));
        } else if (status == 400 && text.contains("invalid-request")) {
            try {
                JsonNode problem = JSON.readTree(text);
                if (!problem.path("errors").isArray() || problem.path("errors").isEmpty()
                        || problem.path("errors").path(0).path("field").asText().isBlank()) {
                    findings.add(new Finding(operation, variant, status, contentType, "no field named: " + text));
                }
            } catch (Exception e) {
                findings.add(new Finding(operation, variant, status, contentType, "unreadable problem: " + text));
            }
        }
    }

    private static List<String> queryValues(String name, JsonNode schema) {
        List<String> values = new ArrayList<>(List.of("", "%00", "%20", "%7Bx%7D", "-1", "0", "99999999999999999999",
                "1e309", "abc", "x".repeat(3000), "%C3%28", "true"));
        if (name.toLowerCase().contains("cursor")) {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            values.addAll(List.of("garbage!", b64.encodeToString("a\nb".getBytes(StandardCharsets.UTF_8)),
                    b64.encodeToString("a".getBytes(StandardCharsets.UTF_8)),
                    b64.encodeToString(("2026-01-01T00:00:00Z\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
                            .replace('A', 'B'),
                    b64.encodeToString("yesterday\nnot-an-id\nthird".getBytes(StandardCharsets.UTF_8)),
                    b64.encodeToString("\u0000\n\u0000".getBytes(StandardCharsets.UTF_8)),
                    b64.encodeToString(("{\"k\":1}\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)),
                    "eyJ", "%2B%2F%3D"));
        }
        if ("uuid".equals(schema.path("format").asText())) {
            values.add("not-a-uuid");
        }
        return values;
    }

    private List<JsonNode> badValues(JsonNode schema) {
        String type = schema.path("type").asText("object");
        List<JsonNode> values = new ArrayList<>(List.of(NODES.nullNode(), NODES.arrayNode(), NODES.objectNode()));
        switch (type) {
            case "string" -> {
                values.addAll(List.of(NODES.numberNode(123), NODES.booleanNode(true), NODES.textNode(""),
                        NODES.textNode(LONG), NODES.textNode("\u0000"), NODES.textNode("a\u0000b\u0001\u001f"),
                        NODES.textNode("%00%7Bx%7D\"'<>"), NODES.textNode("not-a-uuid"),
                        NODES.textNode("2026-13-45T99:99:99Z"), NODES.textNode(" ")));
            }
            case "integer", "number" -> values.addAll(List.of(NODES.textNode("abc"), NODES.numberNode(-1),
                    NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(new java.math.BigInteger("99999999999999999999999")),
                    NODES.numberNode(1e308), NODES.numberNode(1.5), NODES.booleanNode(false)));
            case "boolean" -> values.addAll(List.of(NODES.textNode("yes"), NODES.numberNode(2)));
            case "array" -> {
                ArrayNode many = NODES.arrayNode();
                for (int i = 0; i < 1000; i++) {
                    many.add(plausible(resolve(schema.path("items"))));
                }
                ArrayNode nulls = NODES.arrayNode().addNull();
                ArrayNode wrong = NODES.arrayNode().add(NODES.objectNode()).add(123).add("\u0000");
                values.addAll(List.of(NODES.textNode("x"), many, nulls, wrong));
            }
            default -> values.addAll(List.of(NODES.textNode("x"), NODES.numberNode(1)));
        }
        return values;
    }

    /** A value that fits the schema's shape (types, formats, the first enum value), to carry one bad field. */
    private JsonNode plausible(JsonNode schema) {
        return plausible(schema, 0);
    }

    private JsonNode plausible(JsonNode raw, int depth) {
        JsonNode schema = resolve(raw);
        if (schema.has("enum") && schema.path("enum").size() > 0) {
            return schema.path("enum").get(0);
        }
        if (schema.has("allOf") && schema.path("allOf").size() > 0) {
            return plausible(schema.path("allOf").get(0), depth);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "integer", "number" -> NODES.numberNode(Math.max(1, schema.path("minimum").asInt(1)));
            case "boolean" -> NODES.booleanNode(true);
            case "array" -> depth > 3 ? NODES.arrayNode() : NODES.arrayNode().add(plausible(schema.path("items"), depth + 1));
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                if (depth <= 3) {
                    properties(schema).fields().forEachRemaining(e ->
                            object.set(e.getKey(), plausible(e.getValue(), depth + 1)));
                }
                yield object;
            }
            default -> switch (schema.path("format").asText()) {
                case "uuid" -> NODES.textNode(UUID.randomUUID().toString());
                case "date-time" -> NODES.textNode("2026-06-01T10:00:00Z");
                case "date" -> NODES.textNode("2026-06-01");
                case "email" -> NODES.textNode("fuzz-" + UUID.randomUUID() + "@example.test");
                default -> NODES.textNode("fuzz");
            };
        };
    }

    private JsonNode properties(JsonNode schema) {
        JsonNode resolved = resolve(schema);
        if (resolved.has("allOf")) {
            ObjectNode merged = NODES.objectNode();
            resolved.path("allOf").forEach(part -> merged.setAll((ObjectNode) properties(part).deepCopy()));
            return merged;
        }
        return resolved.path("properties").isObject() ? resolved.path("properties") : NODES.objectNode();
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            String ref = current.path("$ref").asText();
            current = document.at(ref.substring(1));
        }
        return current;
    }

    private static String fill(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            path = path.replace("{" + v.getKey() + "}", v.getValue());
        }
        return path;
    }

    private static String abbreviate(String value) {
        String visible = value.replace("\u0000", "\\0");
        return visible.length() > 40 ? visible.substring(0, 40) + "…(" + value.length() + ")" : visible;
    }

    /** Requests left for one operation. */
    private static final class Budget {
        private int left = MAX_REQUESTS_PER_OPERATION;

        boolean take() {
            return left-- > 0;
        }
    }
}
