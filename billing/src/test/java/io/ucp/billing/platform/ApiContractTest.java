package io.ucp.billing.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.billing.platform.openapi.ContractFilter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The API document's own rules (README "API contract"), and proof that the contract validator is on. */
@QuarkusTest
class ApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    @Test
    void theValidatorFailsAnAnswerTheDocumentDoesNotDescribe() {
        given().get("/v1/test-probe/drift").then().statusCode(200).body("label", equalTo("ok"));
        assertThatThrownBy(() -> given().header("X-Probe-Drift", "yes").get("/v1/test-probe/drift"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("validation.response.body.schema.type")
                .hasMessageContaining("/label");
    }

    @Test
    void everyOperationHasAStableIdAndEveryErrorIsTheSharedProblem() throws IOException {
        JsonNode document = document();
        assertThat(document.path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(document.path("info").path("contact").path("name").asText()).isNotBlank();
        assertThat(document.path("servers")).isNotEmpty();
        assertThat(document.at("/components/schemas/Problem/properties").fieldNames())
                .toIterable().contains("type", "title", "status", "detail", "instance", "errors");
        Set<String> ids = new HashSet<>();
        List<String> faults = new ArrayList<>();
        forEachOperation(document, (label, operation) -> {
            String id = operation.path("operationId").asText();
            if (id.isBlank() || !ids.add(id)) {
                faults.add(label + ": operationId '" + id + "' missing or not unique");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = operation.path("responses").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> response = it.next();
                if (!response.getKey().matches("[1-5][0-9][0-9]|default")) {
                    faults.add(label + " responses: '" + response.getKey() + "' is not a status");
                }
                boolean error = response.getKey().startsWith("4") || response.getKey().startsWith("5");
                String schema = response.getValue().at("/content/application~1problem+json/schema/$ref").asText();
                if (error && !schema.equals("#/components/schemas/Problem")) {
                    faults.add(label + " " + response.getKey() + ": not the shared Problem");
                }
                if (!error && response.getValue().path("content").has("application/problem+json")) {
                    faults.add(label + " " + response.getKey() + ": a success answered as a problem");
                }
            }
            for (String status : List.of("400", "401", "500")) {
                if (!operation.path("responses").has(status)) {
                    faults.add(label + ": " + status + " (every operation can answer it) is missing");
                }
            }
        });
        assertThat(faults).isEmpty();
    }

    /** OpenAPI 3.0 cannot put roles on a bearer requirement, so the document carries them beside @RolesAllowed. */
    @Test
    void theDocumentsRolesAreThoseOfRolesAllowed() throws Exception {
        Map<String, Set<String>> declared = new TreeMap<>();
        for (Class<?> resource : resources()) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                RolesAllowed roles = method.isAnnotationPresent(RolesAllowed.class)
                        ? method.getAnnotation(RolesAllowed.class) : resource.getAnnotation(RolesAllowed.class);
                declared.put(verb + " " + join(base, sub == null ? "" : sub.value()),
                        roles == null ? Set.of() : new TreeSet<>(List.of(roles.value())));
            }
        }
        Map<String, Set<String>> documented = new TreeMap<>();
        forEachOperation(document(), (label, operation) -> {
            Set<String> roles = new TreeSet<>();
            operation.path(ContractFilter.ROLES).forEach(role -> roles.add(role.asText()));
            documented.put(label, roles);
        });
        assertThat(documented).isEqualTo(declared);
    }

    private static JsonNode document() throws IOException {
        return JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    private interface OperationCheck {
        void check(String label, JsonNode operation);
    }

    private static void forEachOperation(JsonNode document, OperationCheck check) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    check.check(method.toUpperCase() + " " + path.getKey(), path.getValue().get(method));
                }
            }
        }
    }

    /** The JAX-RS resources of the service and of the tests (the document holds both while tests run). */
    private static List<Class<?>> resources() throws IOException, ClassNotFoundException {
        List<Class<?>> resources = new ArrayList<>();
        for (String root : List.of("target/classes", "target/test-classes")) {
            java.nio.file.Path base = Paths.get(root);
            List<String> names;
            try (Stream<java.nio.file.Path> files = Files.walk(base)) {
                names = files.map(f -> base.relativize(f).toString())
                        .filter(f -> f.endsWith(".class") && !f.contains("$"))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                        .toList();
            }
            for (String name : names) {
                Class<?> type = Class.forName(name, false, ApiContractTest.class.getClassLoader());
                if (type.isAnnotationPresent(Path.class)) {
                    resources.add(type);
                }
            }
        }
        return resources;
    }

    private static String verb(Method method) {
        for (Map.Entry<Class<? extends Annotation>, String> verb : Map.of(GET.class, "GET", POST.class, "POST",
                PUT.class, "PUT", PATCH.class, "PATCH", DELETE.class, "DELETE").entrySet()) {
            if (method.isAnnotationPresent(verb.getKey())) {
                return verb.getValue();
            }
        }
        return null;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
