package io.ucp.identity.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Test helpers that go through the public API, as a client would. */
public final class Api {

    public static final String PASSWORD = "Correct-Horse-Battery-9";

    private Api() {
    }

    public static String email() {
        return "user-" + UUID.randomUUID() + "@Example.Test";
    }

    /** A client address of its own, so login-limit counters of one test never touch another's. */
    public static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    public static RequestSpecification json() {
        return given().contentType(ContentType.JSON);
    }

    public static UUID signUp(String email) {
        return UUID.fromString(json().header("X-Forwarded-For", address())
                .body(Map.of("email", email, "password", PASSWORD)).post("/v1/accounts")
                .then().statusCode(201).extract().path("id"));
    }

    /** A fresh user: its id, email and a login (access + refresh token). */
    public record User(UUID id, String email, String accessToken, String refreshToken, String sessionId) {
    }

    public static User newUser() {
        String email = email();
        UUID id = signUp(email);
        JsonPath login = login(email, PASSWORD);
        return new User(id, email, login.getString("accessToken"), login.getString("refreshToken"),
                login.getString("sessionId"));
    }

    public static JsonPath login(String email, String password) {
        return json().header("X-Forwarded-For", address()).header("User-Agent", "ucp-test/1.0")
                .body(Map.of("email", email, "password", password)).post("/v1/auth/login")
                .then().statusCode(200).extract().jsonPath();
    }
}
