package io.ucp.presence.attachment;

import static io.ucp.presence.support.Api.direct;
import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.contract.InvalidRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presigned upload and download against the S3 server, with the type and size limits and participant checks. */
@QuarkusTest
class AttachmentsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void uploadSendAndDownloadRoundTrip() throws Exception {
        User a = user();
        User b = user();
        User stranger = user();
        String conversation = direct(a, b);
        byte[] bytes = "hello, attachment".getBytes(StandardCharsets.UTF_8);
        var upload = a.as().body(Map.of("fileName", "../note.txt", "contentType", "text/plain", "sizeBytes", bytes.length))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(200).extract();
        String key = upload.path("objectKey");
        assertThat(key).startsWith("conversations/" + conversation + "/").doesNotContain("..");
        HttpRequest put = HttpRequest.newBuilder(URI.create(upload.path("url")))
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        assertThat(HTTP.send(put, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

        String message = a.as().body(Map.of("body", "see file", "attachments", List.of(Map.of("objectKey", key,
                "name", "note.txt")))).post("/v1/conversations/" + conversation + "/attachment-messages").then()
                .statusCode(201).body("attachments[0].size", equalTo(bytes.length))
                .body("attachments[0].content_type", equalTo("text/plain")).extract().path("id");
        String url = b.as().get("/v1/conversations/" + conversation + "/messages/" + message + "/attachments/0").then()
                .statusCode(200).body("name", equalTo("note.txt")).extract().path("url");
        HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(bytes);

        // Strangers get neither URL kind.
        stranger.as().get("/v1/conversations/" + conversation + "/messages/" + message + "/attachments/0").then()
                .statusCode(404).contentType("application/problem+json");
        stranger.as().body(Map.of("fileName", "x.txt", "contentType", "text/plain", "sizeBytes", 3))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(404);
        b.as().get("/v1/conversations/" + conversation + "/messages/" + message + "/attachments/1").then().statusCode(404);
        // A deleted message's attachment is gone too.
        a.as().delete("/v1/conversations/" + conversation + "/messages/" + message).then().statusCode(204);
        b.as().get("/v1/conversations/" + conversation + "/messages/" + message + "/attachments/0").then().statusCode(404);
    }

    @Test
    @InvalidRequests("sends an empty fileName and a size of 0 on purpose, to see the 400 naming each")
    void oversizeAndBadTypesAreRefused() throws Exception {
        User a = user();
        String conversation = direct(a, user());
        a.as().body(Map.of("fileName", "big.mp4", "contentType", "video/mp4", "sizeBytes", 26_214_401L))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(400)
                .body("errors.field", hasItem("sizeBytes"));
        a.as().body(Map.of("fileName", "run.exe", "contentType", "application/x-msdownload", "sizeBytes", 10))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(400)
                .body("errors.field", hasItem("contentType"));
        a.as().body(Map.of("fileName", "", "contentType", "text/plain", "sizeBytes", 0))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(400)
                .body("errors.field", hasItem("fileName")).body("errors.field", hasItem("sizeBytes"));
        // The size is signed into the URL: uploading more than declared is refused by the store itself.
        var upload = a.as().body(Map.of("fileName", "small.txt", "contentType", "text/plain", "sizeBytes", 4))
                .post("/v1/conversations/" + conversation + "/attachments").then().statusCode(200).extract();
        HttpRequest tooBig = HttpRequest.newBuilder(URI.create(upload.path("url"))).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build();
        assertThat(HTTP.send(tooBig, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        // A key that was never uploaded, or another conversation's, cannot be attached.
        a.as().body(Map.of("attachments", List.of(Map.of("objectKey", upload.path("objectKey")))))
                .post("/v1/conversations/" + conversation + "/attachment-messages").then().statusCode(400)
                .body("errors.field", hasItem("attachments[0].objectKey"));
        a.as().body(Map.of("attachments", List.of(Map.of("objectKey", "conversations/other/x"))))
                .post("/v1/conversations/" + conversation + "/attachment-messages").then().statusCode(400);
    }
}
