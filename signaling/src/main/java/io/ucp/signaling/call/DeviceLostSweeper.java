package io.ucp.signaling.call;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.CallStore.DeviceLeg;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Ends answered calls whose device on one side is gone: closed without hanging up, crashed, or held by an instance
 * that died. A leg's device missing from the cluster-wide device directory is noted; still missing after
 * {@code ucp.signaling.device-lost-grace} (long enough to reconnect, or for another instance to take the device
 * over), the call ends with cause device-lost, billed up to the moment the device was first missed. Every instance
 * sweeps; the call's version check lets one of them end it. The notes are bounded by the legs one sweep reads.
 */
@ApplicationScoped
public class DeviceLostSweeper {

    private final Pool pool;
    private final CallStore store;
    private final CallService calls;
    private final DeviceRegistry devices;
    private final SignalingConfig config;
    private final Clock clock;
    /** (call, device) → when this instance first saw the device gone. */
    private final Map<DeviceLeg, OffsetDateTime> missing = new HashMap<>();

    public DeviceLostSweeper(Pool pool, CallStore store, CallService calls, DeviceRegistry devices,
            SignalingConfig config, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.calls = calls;
        this.devices = devices;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${ucp.signaling.device-lost-sweep-interval:5s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep(OffsetDateTime.now(clock)).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Device-lost sweep failed: %s", e.getMessage());
                    return null;
                });
    }

    /** One sweep as of {@code now}; emits how many calls it ended. */
    public Uni<Integer> sweep(OffsetDateTime now) {
        if (!devices.ready()) {
            return Uni.createFrom().item(0); // the directory is still loading: everything would look gone
        }
        return store.answeredDeviceLegs(pool, config.deviceLostSweepBatch()).chain(legs -> {
            Map<UUID, DeviceLeg> due = new LinkedHashMap<>();
            Map<DeviceLeg, OffsetDateTime> lostAt = new HashMap<>();
            synchronized (missing) {
                missing.keySet().retainAll(legs);
                for (DeviceLeg leg : legs) {
                    if (devices.isConnectedBy(leg.deviceId(), leg.accountId())) {
                        missing.remove(leg);
                        continue;
                    }
                    OffsetDateTime since = missing.computeIfAbsent(leg, l -> now);
                    if (!since.plus(config.deviceLostGrace()).isAfter(now)) {
                        due.putIfAbsent(leg.callId(), leg);
                        lostAt.put(leg, since);
                    }
                }
            }
            List<DeviceLeg> ending = List.copyOf(due.values());
            return Multi.createFrom().iterable(ending).onItem()
                    .transformToUniAndConcatenate(leg -> calls.endDeviceLost(leg.callId(), leg.deviceId(),
                            lostAt.get(leg)).invoke(ended -> {
                                synchronized (missing) {
                                    missing.remove(leg);
                                }
                                if (ended) {
                                    Log.infof("Call %s ended: device %s lost since %s", leg.callId(), leg.deviceId(),
                                            lostAt.get(leg));
                                }
                            }))
                    .filter(Boolean::booleanValue).collect().asList().map(List::size);
        });
    }
}
