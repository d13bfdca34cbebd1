package io.ucp.identity.account;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;

/** Creates the configured admin on first start (an existing account with that email is left alone). */
@ApplicationScoped
public class InitialAdmin {

    private final AccountService accounts;
    private final IdentityConfig config;

    public InitialAdmin(AccountService accounts, IdentityConfig config) {
        this.accounts = accounts;
        this.config = config;
    }

    void onStart(@Observes StartupEvent start) {
        String email = config.admin().email();
        String password = config.admin().password().orElse("");
        if (password.isBlank()) {
            Log.warnf("No initial admin password configured (ucp.identity.admin.password / UCP_ADMIN_PASSWORD): "
                    + "no admin account is created");
            return;
        }
        // Start-up runs once, off the event loop: waiting here is allowed and makes a bad configuration fail fast.
        accounts.findByEmail(email)
                .chain(existing -> existing != null ? Uni.createFrom().item(existing)
                        : accounts.signUp(email, password, "Administrator", Set.of("user", "admin"))
                                .invoke(created -> Log.infof("Initial admin %s created (%s)", email, created.id())))
                .onFailure(ProblemException.class).invoke(e -> Log.errorf(
                        "Initial admin %s not created: %s", email, e.getMessage()))
                .onFailure().recoverWithNull()
                .await().atMost(Duration.ofSeconds(30));
    }
}
