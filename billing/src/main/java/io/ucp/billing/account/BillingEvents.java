package io.ucp.billing.account;

import io.ucp.billing.platform.outbox.OutgoingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** billing.events (key = account id), with the data fields of the platform's contract. */
@ApplicationScoped
public class BillingEvents {

    private final String topic;

    public BillingEvents(@ConfigProperty(name = "ucp.topics.billing-events") String topic) {
        this.topic = topic;
    }

    public record CdrRated(UUID cdrId, UUID callId, UUID accountId, BigDecimal cost, String currency,
            long billableSeconds) {
    }

    public record BalanceLow(UUID accountId, BigDecimal balance, BigDecimal threshold, String currency) {
    }

    public record BalanceExhausted(UUID accountId, BigDecimal balance, String currency) {
    }

    public record BalanceToppedUp(UUID accountId, BigDecimal amount, BigDecimal balance, String currency) {
    }

    public OutgoingEvent cdrRated(CdrRated data) {
        return OutgoingEvent.of(topic, data.accountId().toString(), "cdr.rated", "cdrs/" + data.cdrId(), data);
    }

    public OutgoingEvent toppedUp(BalanceToppedUp data) {
        return OutgoingEvent.of(topic, data.accountId().toString(), "balance.topped-up", subject(data.accountId()), data);
    }

    /** balance.low or balance.exhausted for a crossing named by {@link BalanceState#crossings}. */
    public OutgoingEvent crossing(String type, UUID accountId, BigDecimal balance, BigDecimal threshold,
            String currency) {
        Object data = "balance.low".equals(type) ? new BalanceLow(accountId, balance, threshold, currency)
                : new BalanceExhausted(accountId, balance, currency);
        return OutgoingEvent.of(topic, accountId.toString(), type, subject(accountId), data);
    }

    private static String subject(UUID accountId) {
        return "accounts/" + accountId + "/balance";
    }
}
