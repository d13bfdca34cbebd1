package io.ucp.identity.auth;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.platform.security.CurrentUser;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/auth")
@Tag(name = "Authentication")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final AuthService auth;
    private final CurrentUser currentUser;

    public AuthResource(AuthService auth, CurrentUser currentUser) {
        this.auth = auth;
        this.currentUser = currentUser;
    }

    public record LoginRequest(@NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 1024) String password) {
    }

    public record RefreshRequest(@NotBlank @Size(max = 512) String refreshToken) {
    }

    public record SessionView(String id, @Schema(nullable = true) String userAgent,
            @Schema(nullable = true) String ipAddress, Instant createdAt, Instant lastUsedAt, boolean current) {
    }

    @POST
    @Path("login")
    @Operation(operationId = "login",
            summary = "Sign in: a short-lived access token and a refresh token (429 after repeated failures)")
    @APIResponse(responseCode = "401", description = "Wrong email or password")
    @APIResponse(responseCode = "403", description = "The account is suspended")
    @APIResponse(responseCode = "429", description = "Too many failed logins for this email or from this address "
            + "(Retry-After)")
    @APIResponseSchema(value = AuthService.Tokens.class, responseCode = "200", responseDescription = "Signed in")
    public Uni<AuthService.Tokens> login(@Valid @NotNull LoginRequest body, @Context HttpServerRequest request,
            @Context HttpHeaders headers) {
        return auth.login(body.email(), body.password(), headers.getHeaderString(HttpHeaders.USER_AGENT),
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
    }

    @POST
    @Path("refresh")
    @Operation(operationId = "refreshTokens",
            summary = "Rotate a refresh token; presenting a used one ends its session")
    @APIResponse(responseCode = "401", description = "The refresh token is invalid, expired or already used")
    @APIResponseSchema(value = AuthService.Tokens.class, responseCode = "200",
            responseDescription = "New tokens; the presented refresh token is used up")
    public Uni<AuthService.Tokens> refresh(@Valid @NotNull RefreshRequest body) {
        return auth.refresh(body.refreshToken());
    }

    @POST
    @Path("logout")
    @Authenticated
    @Operation(operationId = "logout", summary = "End the current session")
    @APIResponse(responseCode = "204", description = "Session ended")
    public Uni<Void> logout() {
        return auth.endSession(currentUser.id(), currentUser.sessionId(), "logout");
    }

    @GET
    @Path("sessions")
    @Authenticated
    @Operation(operationId = "listMySessions", summary = "My sessions (device/user agent, address, created, last used)")
    public Uni<List<SessionView>> sessions() {
        String current = currentUser.sessionId();
        return auth.sessions(currentUser.id()).map(list -> list.stream()
                .map(s -> new SessionView(s.id(), s.userAgent(), s.ipAddress(), s.createdAt(), s.lastUsedAt(),
                        s.id().equals(current)))
                .toList());
    }

    @DELETE
    @Path("sessions/{id}")
    @Authenticated
    @Operation(operationId = "endMySession", summary = "End one of my sessions")
    @APIResponse(responseCode = "204", description = "Session ended")
    @APIResponse(responseCode = "404", description = "No such session of mine")
    public Uni<Void> revoke(@PathParam("id") @Size(max = 64) String id) {
        return auth.revoke(currentUser.id(), id);
    }

    @DELETE
    @Path("sessions")
    @Authenticated
    @Operation(operationId = "endAllMySessions", summary = "End all my sessions (this one included)")
    @APIResponse(responseCode = "204", description = "All sessions ended")
    public Uni<Void> revokeAll() {
        UUID me = currentUser.id();
        return auth.revokeAll(me);
    }
}
