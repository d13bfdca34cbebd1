package io.ucp.signaling.routing;

import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.call.Leg;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs a routing plan from a given step until something rings or the plan ends. A ring/forward step whose target
 * has no connected device is recorded as an attempt with outcome no-answer and skipped at once. A forward to an
 * outside number rings a trunk chosen by the outbound route table ({@code outside}; the call then names that number
 * as its callee and the forwarding user as its payer, see {@link Outcome#forwardedTo()}); with no trunk connected the
 * call ends failed, as an outbound call does. A queue step hands the call to the queue engine
 * ({@link Outcome#queue()}).
 */
public final class RoutingEngine {

    /**
     * What the plan led to: new ringing legs (with their timeout), a queue to enter ({@code queue}, the step; the
     * queue visit is recorded by the queue engine, which knows whether the queue exists and has room), or the end
     * cause, plus every attempt made.
     */
    public record Outcome(List<Leg> ringingLegs, Duration ringFor, String endCause, List<Attempt> attempts,
            Step queue, String forwardedTo) {

        public Outcome(List<Leg> ringingLegs, Duration ringFor, String endCause, List<Attempt> attempts) {
            this(ringingLegs, ringFor, endCause, attempts, null, null);
        }

        public Outcome(List<Leg> ringingLegs, Duration ringFor, String endCause, List<Attempt> attempts,
                Step queue) {
            this(ringingLegs, ringFor, endCause, attempts, queue, null);
        }

        public boolean ringing() {
            return !ringingLegs.isEmpty();
        }

        public boolean queued() {
            return queue != null;
        }
    }

    private RoutingEngine() {
    }

    /** A plan whose forwards to outside numbers are not dialled (recorded as failed, with the reason). */
    public static Outcome run(List<Step> steps, int nextAttemptNo, UUID dialed,
            Function<UUID, List<UUID>> connectedDevices, OffsetDateTime now) {
        return run(steps, nextAttemptNo, dialed, connectedDevices, null, now);
    }

    /**
     * @param outside the outbound route table (number → a ringing trunk leg, or the failed attempt saying why); null
     *        when forwards to outside numbers are not placed from here
     */
    public static Outcome run(List<Step> steps, int nextAttemptNo, UUID dialed,
            Function<UUID, List<UUID>> connectedDevices, Function<String, Outcome> outside, OffsetDateTime now) {
        List<Attempt> attempts = new ArrayList<>();
        int attemptNo = nextAttemptNo;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<Step> remaining = List.copyOf(steps.subList(i + 1, steps.size()));
            Map<String, Object> target = new LinkedHashMap<>();
            UUID id = UUID.randomUUID();
            String kind = Step.FORWARD.equals(step.type()) && step.toAccountId() == null ? Step.FORWARD_NUMBER
                    : step.type();
            switch (kind) {
                case Step.FORWARD_NUMBER -> {
                    if (outside == null) {
                        target.put("number", step.toNumber());
                        attempts.add(new Attempt(id, attemptNo, step.ruleId(), step.position(), "number", target,
                                now, now, CallStates.FAILED, "forwarding to an outside number is not placed here"));
                        return new Outcome(List.of(), null, CallStates.FAILED, attempts);
                    }
                    Outcome trunk = outside.apply(step.toNumber());
                    Attempt routed = trunk.attempts().get(0);
                    target.putAll(routed.target());
                    target.put("remaining", remaining);
                    attempts.add(new Attempt(routed.id(), attemptNo, step.ruleId(), step.position(), "number", target,
                            now, routed.endedAt(), routed.outcome(), routed.reason()));
                    if (!trunk.ringing()) {
                        return new Outcome(List.of(), null, trunk.endCause(), attempts);
                    }
                    Duration ringFor = step.timeoutSeconds() == null ? trunk.ringFor()
                            : Duration.ofSeconds(step.timeoutSeconds());
                    return new Outcome(trunk.ringingLegs(), ringFor, null, attempts, null, step.toNumber());
                }
                case Step.RING, Step.FORWARD -> {
                    UUID account = Step.RING.equals(step.type()) ? dialed : step.toAccountId();
                    List<UUID> devices = connectedDevices.apply(account).stream()
                            .filter(d -> step.deviceIds() == null || step.deviceIds().contains(d)).toList();
                    target.put("accountId", account);
                    target.put("deviceIds", devices);
                    target.put("timeoutSeconds", step.timeoutSeconds());
                    target.put("remaining", remaining);
                    String type = Step.RING.equals(step.type()) ? "devices" : "user";
                    if (devices.isEmpty()) {
                        attempts.add(new Attempt(id, attemptNo++, step.ruleId(), step.position(), type, target, now,
                                now, CallStates.NO_ANSWER, "no connected device"));
                        continue;
                    }
                    attempts.add(new Attempt(id, attemptNo, step.ruleId(), step.position(), type, target, now, null,
                            null, null));
                    List<Leg> legs = devices.stream().map(d -> new Leg(UUID.randomUUID(), Leg.CALLEE,
                            CallStates.RINGING, null, account, d, null, false, now, now, null, null)).toList();
                    return new Outcome(legs, Duration.ofSeconds(step.timeoutSeconds()), null, attempts);
                }
                case Step.REJECT -> {
                    // identity's causes: busy ends the call as busy; declined, unavailable, do-not-disturb as rejected.
                    String cause = "busy".equals(step.cause()) ? CallStates.BUSY : CallStates.REJECTED;
                    target.put("cause", step.cause());
                    attempts.add(new Attempt(id, attemptNo, step.ruleId(), step.position(), "reject", target, now, now,
                            cause, "a routing rule rejects the call"
                                    + (step.cause() == null ? "" : " (" + step.cause() + ")")));
                    return new Outcome(List.of(), null, cause, attempts);
                }
                case Step.QUEUE -> {
                    // As in identity's resolve, a queue ends the plan: the caller waits there for an agent.
                    return new Outcome(List.of(), null, null, attempts, step);
                }
                default -> {
                    // RuleReader only produces the types above.
                }
            }
        }
        return new Outcome(List.of(), null, CallStates.NO_ANSWER, attempts);
    }

    /** The routing id a ringing leg belongs to: the one open attempt of an outcome. */
    public static UUID openAttempt(Outcome outcome) {
        return outcome.attempts().stream().filter(a -> a.outcome() == null).map(Attempt::id).findFirst().orElse(null);
    }
}
