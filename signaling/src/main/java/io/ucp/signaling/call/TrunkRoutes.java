package io.ucp.signaling.call;

import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.routing.Attempt;
import io.ucp.signaling.routing.RoutingEngine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The outbound route table (configuration: {@code ucp.signaling.outbound-routes."<prefix>"=<trunk device ids in
 * fallback order>}, then each SIP trunk's {@code prefixes}): the longest prefix of the dialled number wins, its
 * trunks are tried in order, then the trunks of shorter matching prefixes. The first one connected rings (a
 * WebSocket trunk on the device channel, or a SIP trunk, which is always connected).
 */
@ApplicationScoped
public class TrunkRoutes {

    private final SignalingConfig config;
    private final DeviceRegistry devices;
    /** Prefix → trunk device ids in fallback order. */
    private final Map<String, List<UUID>> routes;

    public TrunkRoutes(SignalingConfig config, jakarta.enterprise.inject.Instance<TrunkPrefixes> contributed,
            DeviceRegistry devices) {
        this.config = config;
        this.devices = devices;
        Map<String, List<UUID>> table = new LinkedHashMap<>();
        config.outboundRoutes().forEach((prefix, trunks) -> table.put(prefix, new ArrayList<>(trunks)));
        contributed.forEach(source -> source.prefixes().forEach((prefix, trunks) ->
                table.computeIfAbsent(prefix, p -> new ArrayList<>()).addAll(trunks)));
        table.replaceAll((prefix, trunks) -> List.copyOf(new LinkedHashSet<>(trunks)));
        this.routes = Map.copyOf(table);
    }

    public RoutingEngine.Outcome route(String number, OffsetDateTime now) {
        List<String> prefixes = routes.keySet().stream().filter(number::startsWith)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        Set<UUID> candidates = new LinkedHashSet<>();
        prefixes.forEach(p -> candidates.addAll(routes.get(p)));
        String longest = prefixes.isEmpty() ? null : prefixes.get(0);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("number", number);
        target.put("prefix", longest);
        target.put("trunkDeviceIds", new ArrayList<>(candidates));
        UUID attemptId = UUID.randomUUID();
        for (UUID trunk : candidates) {
            UUID owner = devices.trunkOwner(trunk);
            if (owner != null) {
                target.put("trunkDeviceId", trunk);
                Leg leg = new Leg(UUID.randomUUID(), Leg.CALLEE, CallStates.RINGING, null, owner, trunk, number, false,
                        now, now, null, null);
                return new RoutingEngine.Outcome(List.of(leg), config.ringTimeout(), null,
                        List.of(new Attempt(attemptId, 1, null, null, "number", target, now, null, null, null)));
            }
        }
        String reason = longest == null ? "no outbound route for " + number
                : "no trunk connected for " + longest;
        return new RoutingEngine.Outcome(List.of(), null, CallStates.FAILED,
                List.of(new Attempt(attemptId, 1, null, null, "number", target, now, now, CallStates.FAILED, reason)));
    }
}
