package io.ucp.presence.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.ucp.presence.platform.TestTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small REST helpers shared by the feature tests: users with tokens, conversations, messages. */
public final class Api {

    private Api() {
    }

    public record User(UUID id, String token) {
        public RequestSpecification as() {
            return given().auth().oauth2(token).contentType(ContentType.JSON);
        }
    }

    public static User user() {
        UUID id = UUID.randomUUID();
        return new User(id, TestTokens.user(id));
    }

    public static String direct(User me, User other) {
        return me.as().body(Map.of("kind", "direct", "participantIds", List.of(other.id())))
                .post("/v1/conversations").then().statusCode(201).extract().path("id");
    }

    public static String group(User owner, String name, User... members) {
        return conversation(owner, "group", name, null, members);
    }

    public static String conversation(User owner, String kind, String name, String postingRole, User... members) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("name", name);
        body.put("participantIds", java.util.Arrays.stream(members).map(User::id).toList());
        if (postingRole != null) {
            body.put("postingRole", postingRole);
        }
        return owner.as().body(body).post("/v1/conversations").then().statusCode(201).extract().path("id");
    }

    public static ValidatableResponse send(User sender, String conversationId, String text) {
        return sender.as().body(Map.of("body", text)).post("/v1/conversations/" + conversationId + "/messages").then();
    }

    public static String sendOk(User sender, String conversationId, String text) {
        return send(sender, conversationId, text).statusCode(201).extract().path("id");
    }
}
