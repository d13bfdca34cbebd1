package io.ucp.billing.support.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Body;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.RestAssured;
import io.restassured.authentication.PreemptiveOAuth2HeaderScheme;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks every REST Assured exchange of the test suite against the service's live OpenAPI document
 * ({@code GET /q/openapi?format=json}, read once per running application): the request must be one the document
 * allows, unless the running test says why not ({@link InvalidRequests}), and the response must always be one the
 * document says that operation answers (status, content type, body schema, headers). A violation fails the test.
 * {@code /q/} is Quarkus' own (the document itself, Swagger UI, health and metrics on the management port), not
 * part of the API.
 */
public final class ContractValidation implements OrderedFilter {

    private static final String AUTHORIZATION = "Authorization";
    private static final ContractValidation INSTANCE = new ContractValidation();
    /** Reports of a request outside every operation: with an opt-out its response has no operation to match. */
    private static final Set<String> NO_OPERATION = Set.of("validation.request.path.missing",
            "validation.request.operation.notAllowed");

    /** One validator per running application (base URI and port): test profiles restart it on a new port. */
    private final Map<String, OpenApiInteractionValidator> validators = new ConcurrentHashMap<>();
    /** Why the running test's requests may break the contract; null = they must not. */
    private static volatile String optOut;
    private static volatile String running;

    private ContractValidation() {
    }

    /** Adds the filter to RestAssured's global filters once (Quarkus resets the URL between tests, not filters). */
    static synchronized void install() {
        if (!RestAssured.filters().contains(INSTANCE)) {
            RestAssured.filters(INSTANCE);
        }
    }

    /** The test now running ({@code where}, for the failure message) and its opt-out reason, if any. */
    static void running(String where, String reason) {
        running = where;
        optOut = reason;
    }

    @Override
    public int getOrder() {
        // Last before the wire: sees the request as sent (auth, headers) and the response as received.
        return OrderedFilter.LOWEST_PRECEDENCE;
    }

    @Override
    public Response filter(FilterableRequestSpecification requestSpec, FilterableResponseSpecification responseSpec,
            FilterContext context) {
        Response response = context.next(requestSpec, responseSpec);
        Request request = withBearer(RestAssuredRequest.of(requestSpec), requestSpec);
        if (request.getPath().startsWith("/q/")) {
            return response;
        }
        OpenApiInteractionValidator validator = validators.computeIfAbsent(
                requestSpec.getBaseUri() + ":" + requestSpec.getPort(), base -> load(requestSpec));
        String reason = optOut;
        ValidationReport report;
        if (reason == null) {
            report = validator.validate(request, RestAssuredResponse.of(response));
        } else {
            report = validator.validateResponse(request.getPath(), request.getMethod(),
                    RestAssuredResponse.of(response));
            if (report.getMessages().stream().anyMatch(m -> NO_OPERATION.contains(m.getKey()))) {
                // No operation to compare with (an unknown path or method, on purpose): still a problem document.
                String type = response.contentType() == null ? "" : response.contentType();
                report = type.startsWith("application/problem+json") ? ValidationReport.empty()
                        : ValidationReport.singleton(ValidationReport.Message.create("ucp.response.notProblem",
                                "An answer outside every operation must be application/problem+json, was " + type)
                                .build());
            }
        }
        if (report.hasErrors()) {
            throw new AssertionError(running + ": the exchange breaks billing's OpenAPI document: "
                    + request.getMethod() + " " + request.getPath() + " -> " + response.statusCode() + "\n"
                    + report.getMessages().stream()
                            .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                            .map(m -> "  - " + m.getKey() + ": " + m.getMessage() + m.getAdditionalInfo().stream()
                                    .map(i -> "\n      " + i).collect(Collectors.joining()))
                            .collect(Collectors.joining("\n"))
                    + "\n  response body: " + abbreviate(response.asString()));
        }
        return response;
    }

    /**
     * {@code auth().oauth2(token)} puts its header on the wire after the filters, so the request the validator
     * sees lacks it: add it, or every secured operation looks called without its token.
     */
    private static Request withBearer(Request request, FilterableRequestSpecification requestSpec) {
        if (!(requestSpec.getAuthenticationScheme() instanceof PreemptiveOAuth2HeaderScheme oauth2)
                || request.getHeaderValue(AUTHORIZATION).isPresent()) {
            return request;
        }
        Map<String, Collection<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.getHeaders());
        headers.put(AUTHORIZATION, List.of("Bearer " + oauth2.getAccessToken()));
        return new Request() {
            @Override
            public String getPath() {
                return request.getPath();
            }

            @Override
            public Method getMethod() {
                return request.getMethod();
            }

            @Override
            public Optional<String> getBody() {
                return request.getBody();
            }

            @Override
            public Optional<Body> getRequestBody() {
                return request.getRequestBody();
            }

            @Override
            public Collection<String> getQueryParameters() {
                return request.getQueryParameters();
            }

            @Override
            public Collection<String> getQueryParameterValues(String name) {
                return request.getQueryParameterValues(name);
            }

            @Override
            public Map<String, Collection<String>> getHeaders() {
                return headers;
            }

            @Override
            public Collection<String> getHeaderValues(String name) {
                return headers.getOrDefault(name, List.of());
            }
        };
    }

    private static OpenApiInteractionValidator load(FilterableRequestSpecification requestSpec) {
        URI document = URI.create(requestSpec.getBaseUri() + ":" + requestSpec.getPort() + "/q/openapi?format=json");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(document).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(document + " answered " + answer.statusCode());
            }
            return OpenApiInteractionValidator.createForInlineApiSpecification(answer.body()).build();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the API document at " + document, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading " + document, e);
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 500 ? body.substring(0, 500) + "…" : body;
    }
}
