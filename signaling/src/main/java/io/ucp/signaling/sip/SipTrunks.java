package io.ucp.signaling.sip;

import io.ucp.signaling.call.TrunkPrefixes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The configured SIP trunks ({@link SipConfig#trunks()}): their number prefixes join the outbound route table, and
 * an INVITE from one of a trunk's allowed sources is an inbound call from that trunk (carriers authenticate by
 * address, so no digest is asked of them). A source given as {@code ip:port} matches only that port, a bare
 * {@code ip} any port of it.
 */
@ApplicationScoped
public class SipTrunks implements TrunkPrefixes {

    private final Map<String, SipConfig.Trunk> bySource = new HashMap<>();
    private final Map<String, List<UUID>> prefixes;

    public SipTrunks(SipConfig config) {
        Map<String, List<UUID>> table = new LinkedHashMap<>();
        config.trunks().values().forEach(trunk -> {
            trunk.allowedSources().orElse(List.of(trunk.host() + ":" + trunk.port()))
                    .forEach(source -> bySource.put(source.trim(), trunk));
            trunk.prefixes().orElse(List.of()).forEach(prefix ->
                    table.computeIfAbsent(prefix, p -> new ArrayList<>()).add(trunk.deviceId()));
        });
        table.replaceAll((prefix, trunks) -> List.copyOf(trunks));
        this.prefixes = Map.copyOf(table);
    }

    @Override
    public Map<String, List<UUID>> prefixes() {
        return prefixes;
    }

    /** The trunk whose INVITEs come from {@code ip:port}, or null (then the sender must be a registered phone). */
    SipConfig.Trunk from(String ip, int port) {
        SipConfig.Trunk exact = bySource.get(ip + ":" + port);
        return exact != null ? exact : bySource.get(ip);
    }
}
