package io.ucp.identity.account;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.auth.AuthService;
import io.ucp.identity.common.Idempotency;
import io.ucp.identity.platform.security.CurrentUser;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/accounts")
@Tag(name = "Accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService accounts;
    private final CurrentUser currentUser;
    private final Idempotency idempotency;
    private final AuthService auth;
    private final SignUpRateLimiter signUpLimit;

    public AccountResource(AccountService accounts, CurrentUser currentUser, Idempotency idempotency,
            AuthService auth, SignUpRateLimiter signUpLimit) {
        this.accounts = accounts;
        this.signUpLimit = signUpLimit;
        this.auth = auth;
        this.currentUser = currentUser;
        this.idempotency = idempotency;
    }

    public record SignUp(@NotBlank @Email @Size(max = 254) String email, @NotNull @Size(max = 1024) String password,
            @Size(max = 200) String displayName) {
    }

    public record PasswordChange(@NotNull @Size(max = 1024) String currentPassword,
            @NotNull @Size(max = 1024) String newPassword) {
    }

    /** What sign-up answers: never the password, and an Idempotency-Key replay carries no secret either. */
    record SignUpRequestFingerprint(String email, String displayName) {
    }

    @POST
    @Operation(operationId = "signUp",
            summary = "Sign up with email and password (Idempotency-Key honoured; 409 for a registered email, "
                + "429 after repeated attempts for one email or from one address)")
    @APIResponseSchema(value = AccountView.class, responseCode = "201",
            responseDescription = "Account created (or the first answer replayed for the same Idempotency-Key)")
    @APIResponse(responseCode = "409", description = "Email already registered, or a request with this "
            + "Idempotency-Key is still being processed")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    @APIResponse(responseCode = "429", description = "Too many sign-up attempts for this email or from this address "
            + "(Retry-After)")
    public Uni<Response> signUp(@Valid @NotNull SignUp body, @HeaderParam(Idempotency.HEADER) String key,
            @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        // A replay of the same Idempotency-Key is not a new attempt: only the work itself is counted.
        return idempotency.run("sign-up", key, new SignUpRequestFingerprint(Emails.normalise(body.email()), body.displayName()),
                201, () -> signUpLimit.attempt(Emails.normalise(body.email()), address)
                        .chain(() -> accounts.signUp(body.email(), body.password(), body.displayName(), Set.of("user")))
                        .map(AccountView::of));
    }

    @GET
    @Path("me")
    @Authenticated
    @Operation(operationId = "getMyAccount", summary = "My account")
    @APIResponse(responseCode = "404", description = "The token names no account")
    @APIResponseSchema(value = AccountView.class, responseCode = "200", responseDescription = "My account")
    public Uni<AccountView> me() {
        return accounts.get(currentUser.id()).map(AccountView::of);
    }

    @PUT
    @Path("me/password")
    @Authenticated
    @Operation(operationId = "changeMyPassword", summary = "Change my password; my other sessions end")
    @APIResponse(responseCode = "204", description = "Password changed")
    @APIResponse(responseCode = "404", description = "The token names no account")
    public Uni<Void> changePassword(@Valid @NotNull PasswordChange body) {
        UUID me = currentUser.id();
        String session = currentUser.sessionId();
        return accounts.changePassword(me, body.currentPassword(), body.newPassword())
                .chain(() -> auth.revokeAllExcept(me, session, "password-changed"));
    }
}
