package io.ucp.signaling.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The devices connected to the device channel, cluster-wide. Connected = ringable; a dropped device is removed at
 * once and is no longer offered calls.
 *
 * <p>Connections live on the instance that accepted them. A Redis hash ({@code devices}: device id →
 * "instance account trunk seq") is the directory; every change is published on an events channel in the same
 * script, and every instance mirrors the other instances' entries in memory (loaded once at start, then kept
 * current from the events) so that the read methods, called synchronously while routing, never wait for Redis.
 * {@code seq} (a Redis counter) orders connections of the same device across instances: the newest wins and the
 * instance holding an older one closes it, as a second local connection replaces the first.
 *
 * <p>Liveness: each instance beats into a sorted set ({@code instances}, scored with Redis' clock so pods' clocks
 * need not agree). Entries of an instance not heard from for {@code instance-timeout} are ignored and deleted, so a
 * crashed pod's devices stop being ringable. A message for a device on another instance is published on that
 * instance's own channel ({@code devices:to:<instance>}), which only that instance subscribes to.
 */
@ApplicationScoped
public class DeviceRegistry {

    /** A live device connection on this instance; {@code seq} is 0 until Redis has assigned one. */
    public record Connected(UUID accountId, UUID deviceId, boolean trunk, DeviceLink connection,
            AtomicLong seq, Uni<Void> registered) {
    }

    /** A device connected to another instance, as the directory says; {@code seenAt} is when we learnt it. */
    record Remote(String instance, UUID accountId, boolean trunk, long seq, long seenAt) {

        /** Parses "instance account trunk seq" (the hash value, also the tail of an event). */
        static Remote parse(String[] parts, int from, long seenAt) {
            return new Remote(parts[from], UUID.fromString(parts[from + 1]), "1".equals(parts[from + 2]),
                    Long.parseLong(parts[from + 3]), seenAt);
        }
    }

    /** The instances alive at the last heartbeat, and when that heartbeat was sent (System.nanoTime). */
    private record Alive(Set<String> instances, long askedAt) {
    }

    /**
     * KEYS: hash, last seq. ARGV: device, instance, account, trunk (1/0), events channel. Returns the seq: Redis'
     * clock in microseconds (kept increasing), so the order survives a Redis restart that loses the last seq.
     */
    private static final String CONNECT = """
            local t = redis.call('TIME')
            local last = tonumber(redis.call('GET', KEYS[2]) or '0')
            local seq = string.format('%.0f', math.max(tonumber(t[1]) * 1000000 + tonumber(t[2]), last + 1))
            redis.call('SET', KEYS[2], seq)
            local entry = ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4] .. ' ' .. seq
            redis.call('HSET', KEYS[1], ARGV[1], entry)
            redis.call('PUBLISH', ARGV[5], 'c ' .. ARGV[1] .. ' ' .. entry)
            return tonumber(seq)
            """;
    /**
     * KEYS: hash. ARGV: device, instance, events channel. Deletes only the instance's own entry: a newer
     * connection elsewhere must not be removed by the old one's late close.
     */
    private static final String DISCONNECT = """
            local entry = redis.call('HGET', KEYS[1], ARGV[1])
            if entry and string.sub(entry, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. ' ' then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('PUBLISH', ARGV[3], 'd ' .. ARGV[1] .. ' ' .. entry)
              return 1
            end
            return 0
            """;
    /** KEYS: instances. ARGV: instance, timeout ms. Beats, forgets the silent ones, returns the live ones. */
    private static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2])))
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """;
    /** ARGV: channel, message, channel, message, ... — one command, so the messages keep their order. */
    private static final String PUBLISH_ALL = """
            for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
            return 0
            """;
    private static final int MAX_BATCH = 64;
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<UUID, Connected> byDevice = new ConcurrentHashMap<>();
    private final Map<UUID, Remote> remote = new ConcurrentHashMap<>();
    /** Devices whose events arrived while the start-up snapshot was loading: the events are newer. */
    private final Set<UUID> touchedWhileLoading = ConcurrentHashMap.newKeySet();
    private final Queue<String[]> outgoing = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final ObjectMapper mapper;
    private final ReactiveRedisDataSource redis;
    private final ReactivePubSubCommands<String> pubsub;
    private final DeviceDirectoryConfig config;
    private final String instance = UUID.randomUUID().toString();
    private final String directoryKey;
    private final String seqKey;
    private final String instancesKey;
    private final String eventsChannel;
    private final String channelPrefix;
    private volatile Alive alive = new Alive(Set.of(), System.nanoTime() - Duration.ofDays(1).toNanos());
    private volatile boolean loaded;
    /** Set once subscribed and loaded; cleared while re-joining after Redis lost our subscription. */
    private final AtomicBoolean joined = new AtomicBoolean();
    private final AtomicLong subscription = new AtomicLong();
    /** Set at shutdown: the Redis client closes before the scheduler stops, and the beats would only fail. */
    private volatile boolean stopping;

    public DeviceRegistry(ObjectMapper mapper, ReactiveRedisDataSource redis, DeviceDirectoryConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix,
            @ConfigProperty(name = "ucp.topics.suffix") Optional<String> suffix) {
        this.mapper = mapper;
        this.redis = redis;
        this.pubsub = redis.pubsub(String.class);
        this.config = config;
        this.directoryKey = prefix + "devices";
        this.seqKey = prefix + "devices:seq";
        this.instancesKey = prefix + "instances";
        // Pub/sub ignores the Redis db number: the suffix keeps test and dev instances apart.
        this.eventsChannel = prefix + "devices:events" + suffix.orElse("");
        this.channelPrefix = prefix + "devices:to" + suffix.orElse("") + ":";
    }

    void start(@Observes StartupEvent event) {
        Log.infof("Device directory: this instance is %s", instance);
        join().subscribe().with(ok -> Log.debugf("Device directory loaded: %d remote devices", remote.size()),
                e -> Log.errorf(e, "Device directory not started"));
    }

    /** Subscribe first, then beat and load the snapshot: nothing published in between is missed. */
    private Uni<Void> join() {
        // A subscription attempt can hang on a connection Redis has dropped: give up on it and try a fresh one.
        // Each attempt has a generation and only the latest one's messages count, so an abandoned attempt that
        // completes late does not deliver every message twice.
        String own = channelPrefix + instance;
        return Uni.createFrom().deferred(() -> {
            long attempt = subscription.incrementAndGet();
            return pubsub.subscribe(List.of(eventsChannel, own), (channel, message) -> {
                if (attempt != subscription.get()) {
                    return;
                }
                if (channel.equals(own)) {
                    onDelivery(message);
                } else {
                    onDirectoryEvent(message);
                }
            });
        }).ifNoItem().after(SUBSCRIBE_TIMEOUT).fail()
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .chain(() -> refreshMirror()
                        .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely())
                .invoke(() -> {
                    joined.set(true);
                    Log.infof("Device directory joined: %d devices on other instances", remote.size());
                });
    }

    /** A clean stop leaves the live set at once, so the others drop this instance's devices at their next beat. */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            redis.sortedSet(String.class).zrem(instancesKey, instance).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.debugf("Could not leave the device directory: %s", e.getMessage());
        }
    }

    /** True once the directory mirror is loaded (readiness: before that, remote devices look offline). */
    public boolean ready() {
        return loaded;
    }

    /** One heartbeat, then the whole directory read into the mirror (at join, and again after Redis was lost). */
    Uni<Void> refreshMirror() {
        return heartbeat().chain(this::load);
    }

    private Uni<Void> load() {
        // Entries read now count as seen at the heartbeat just taken, not now: an instance alive now beat before
        // it wrote any entry, so one missing from that live set is gone (a stopped test profile, a killed pod) and
        // its devices and trunks must not look online until the next beat.
        long askedAt = alive.askedAt();
        return redis.hash(String.class).hgetall(directoryKey).invoke(all -> {
            all.forEach((device, entry) -> {
                try {
                    UUID id = UUID.fromString(device);
                    Remote r = Remote.parse(entry.split(" "), 0, askedAt);
                    if (!r.instance().equals(instance) && !touchedWhileLoading.contains(id)) {
                        remote.merge(id, r, (old, now) -> now.seq() > old.seq() ? now : old);
                    }
                } catch (RuntimeException e) {
                    Log.warnf("Skipping an unreadable device directory entry %s: %s", device, e.getMessage());
                }
            });
            loaded = true;
            touchedWhileLoading.clear();
        }).replaceWithVoid();
    }

    @Scheduled(every = "${ucp.signaling.devices.heartbeat-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return heartbeat().invoke(this::forgetTheDead).chain(this::checkSubscribed)
                .onFailure().invoke(e -> Log.warnf("Device directory heartbeat failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * The Redis client does not re-subscribe after a lost connection (a Redis restart, a failover), and nothing
     * reports it: ask Redis whether our own channel still has a subscriber. If not, join again, and put this
     * instance's devices back into the directory (a restarted Redis has lost them).
     */
    private Uni<Void> checkSubscribed() {
        if (!joined.get()) {
            return Uni.createFrom().voidItem();
        }
        return redis.execute("PUBSUB", "NUMSUB", channelPrefix + instance).chain(reply -> {
            if (reply.get(1).toLong() > 0 || !joined.compareAndSet(true, false)) {
                return Uni.createFrom().voidItem();
            }
            Log.warnf("Device directory: this instance's subscription was lost; joining again with %d devices",
                    byDevice.size());
            // In the background: the beats must go on meanwhile, or the others would count this instance as gone.
            join().invoke(() -> byDevice.values().forEach(this::reassert)).subscribe().with(ok -> { },
                    e -> Log.errorf(e, "Device directory not joined again"));
            return Uni.createFrom().voidItem();
        });
    }

    /** Writes a local device's entry again; if the device left meanwhile, takes the entry out again. */
    private void reassert(Connected c) {
        register(c.accountId(), c.deviceId(), c.trunk(), c.connection(), c.seq()).invoke(() -> {
            if (byDevice.get(c.deviceId()) != c) {
                redis.execute("EVAL", DISCONNECT, "1", directoryKey, c.deviceId().toString(), instance, eventsChannel)
                        .subscribe().with(ok -> { }, e -> { });
            }
        }).subscribe().with(ok -> { }, e -> { });
    }

    private Uni<Void> heartbeat() {
        long askedAt = System.nanoTime();
        return redis.execute("EVAL", HEARTBEAT, "1", instancesKey, instance,
                Long.toString(config.instanceTimeout().toMillis())).invoke(reply -> {
                    Set<String> live = new HashSet<>();
                    reply.forEach(r -> live.add(r.toString()));
                    alive = new Alive(Set.copyOf(live), askedAt);
                }).replaceWithVoid();
    }

    /** Entries of instances gone silent: out of the mirror, and out of Redis (compare-and-delete, any may do it). */
    private void forgetTheDead() {
        Alive now = alive;
        remote.forEach((device, r) -> {
            if (!now.instances().contains(r.instance()) && r.seenAt() < now.askedAt() && remote.remove(device, r)) {
                Log.infof("Device %s was on instance %s, which is gone", device, r.instance());
                redis.execute("EVAL", DISCONNECT, "1", directoryKey, device.toString(), r.instance(), eventsChannel)
                        .subscribe().with(ok -> { }, e -> Log.debugf("Could not drop device %s: %s", device,
                                e.getMessage()));
            }
        });
    }

    /** Registers a device; a second connection of the same device (here or elsewhere) replaces the first. */
    public void connected(UUID accountId, UUID deviceId, boolean trunk, WebSocketConnection connection) {
        connected(accountId, deviceId, trunk, DeviceLink.of(connection));
    }

    /** Registers a device reached through {@code connection} (a WebSocket or a registered SIP phone). */
    public void connected(UUID accountId, UUID deviceId, boolean trunk, DeviceLink connection) {
        AtomicLong seq = new AtomicLong();
        Uni<Void> registered = register(accountId, deviceId, trunk, connection, seq).memoize().indefinitely();
        Connected previous = byDevice.put(deviceId, new Connected(accountId, deviceId, trunk, connection, seq,
                registered));
        if (previous != null && !previous.connection().id().equals(connection.id())) {
            previous.connection().close().subscribe().with(ok -> { }, e -> { });
        }
        registered.subscribe().with(ok -> { }, e -> { });
    }

    private Uni<Void> register(UUID accountId, UUID deviceId, boolean trunk, DeviceLink connection,
            AtomicLong seq) {
        return redis.execute("EVAL", CONNECT, "2", directoryKey, seqKey, deviceId.toString(), instance,
                accountId.toString(), trunk ? "1" : "0", eventsChannel)
                .invoke(reply -> registeredAs(deviceId, connection, seq, reply.toLong()))
                .onFailure().invoke(e -> Log.warnf("Device %s not in the directory (other instances cannot reach it):"
                        + " %s", deviceId, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Redis ordered this connection: if another instance's is newer, this one lost; if older, it is stale. */
    private void registeredAs(UUID deviceId, DeviceLink connection, AtomicLong seq, long assigned) {
        seq.set(assigned);
        Remote other = remote.get(deviceId);
        if (other == null) {
            return;
        }
        if (other.seq() > assigned) {
            replacedElsewhere(deviceId, connection);
        } else {
            remote.remove(deviceId, other);
        }
    }

    public void disconnected(UUID deviceId, WebSocketConnection connection) {
        disconnected(deviceId, DeviceLink.of(connection));
    }

    public void disconnected(UUID deviceId, DeviceLink connection) {
        Connected[] removed = new Connected[1];
        byDevice.computeIfPresent(deviceId, (id, c) -> {
            if (c.connection().id().equals(connection.id())) {
                removed[0] = c;
                return null;
            }
            return c;
        });
        if (removed[0] != null) {
            // After the registration, never before it: otherwise a late HSET could outlive the HDEL.
            removed[0].registered().chain(() -> redis.execute("EVAL", DISCONNECT, "1", directoryKey,
                    deviceId.toString(), instance, eventsChannel)).subscribe().with(ok -> { },
                            e -> Log.debugf("Could not remove device %s from the directory: %s", deviceId,
                                    e.getMessage()));
        }
    }

    private void replacedElsewhere(UUID deviceId, DeviceLink connection) {
        Connected local = byDevice.get(deviceId);
        if (local != null && local.connection().id().equals(connection.id()) && byDevice.remove(deviceId, local)) {
            Log.debugf("Device %s connected on another instance; closing it here", deviceId);
            connection.close().subscribe().with(ok -> { }, e -> { });
        }
    }

    /**
     * Closes (1008) every connection, on every instance, that an identity fact no longer allows: a revoked session,
     * a suspended or deleted account, a removed device. This instance closes its own at once; the others hear it on
     * the directory's events channel ("k session|account|device id").
     */
    public Uni<Void> closeEverywhere(Revoked what, String id) {
        closeLocal(what, id);
        return redis.execute("PUBLISH", eventsChannel, "k " + what.name().toLowerCase(java.util.Locale.ROOT) + " " + id)
                .replaceWithVoid();
    }

    /** What a {@link #closeEverywhere} names. */
    public enum Revoked {
        SESSION("session revoked"), ACCOUNT("account suspended or deleted"), DEVICE("device removed");

        final String reason;

        Revoked(String reason) {
            this.reason = reason;
        }
    }

    private void closeLocal(Revoked what, String id) {
        for (Connected c : List.copyOf(byDevice.values())) {
            boolean match = switch (what) {
                case SESSION -> id.equals(c.connection().sessionId());
                case ACCOUNT -> id.equals(c.accountId().toString());
                case DEVICE -> id.equals(c.deviceId().toString());
            };
            if (match) {
                Log.debugf("Closing device %s: %s", c.deviceId(), what.reason);
                close(c, what.reason);
            }
        }
    }

    /** Out of the ringable set at once (before the close completes), then closed with 1008. */
    void close(Connected c, String reason) {
        disconnected(c.deviceId(), c.connection());
        c.connection().close(1008, reason).subscribe().with(ok -> { }, e -> { });
    }

    /** This instance's connection of {@code deviceId}, if it is {@code connection}. */
    Connected localConnection(UUID deviceId, WebSocketConnection connection) {
        Connected c = byDevice.get(deviceId);
        return c != null && c.connection().id().equals(connection.id()) ? c : null;
    }

    /**
     * "c|d device instance account trunk seq", published by CONNECT and DISCONNECT (also ours: skipped), and
     * "k kind id" from {@link #closeEverywhere} (ours too: closing twice is harmless).
     */
    private void onDirectoryEvent(String event) {
        try {
            String[] parts = event.split(" ");
            if ("k".equals(parts[0])) {
                closeLocal(Revoked.valueOf(parts[1].toUpperCase(java.util.Locale.ROOT)), parts[2]);
                return;
            }
            UUID device = UUID.fromString(parts[1]);
            Remote r = Remote.parse(parts, 2, System.nanoTime());
            if (!loaded) {
                touchedWhileLoading.add(device);
            }
            if (r.instance().equals(instance)) {
                return;
            }
            if ("c".equals(parts[0])) {
                remote.merge(device, r, (old, now) -> now.seq() > old.seq() ? now : old);
                Connected local = byDevice.get(device);
                // seq 0: our registration has not returned yet; registeredAs compares when it does.
                if (local != null && local.seq().get() != 0 && local.seq().get() < r.seq()) {
                    replacedElsewhere(device, local.connection());
                }
            } else {
                remote.computeIfPresent(device, (id, old) -> old.seq() == r.seq() ? null : old);
            }
        } catch (RuntimeException e) {
            Log.warnf("Skipping an unreadable device directory event: %s", e.getMessage());
        }
    }

    /** "device json": a message another instance sends to a device connected here. */
    private void onDelivery(String message) {
        try {
            UUID device = UUID.fromString(message.substring(0, 36));
            Connected c = byDevice.get(device);
            if (c != null && c.connection().isOpen()) {
                sendLocal(c, message.substring(37));
            }
        } catch (RuntimeException e) {
            Log.warnf("Skipping an unreadable device delivery: %s", e.getMessage());
        }
    }

    private Connected local(UUID deviceId) {
        Connected c = byDevice.get(deviceId);
        return c != null && c.connection().isOpen() ? c : null;
    }

    /** The device's entry on another live instance, or null. */
    private Remote elsewhere(UUID deviceId) {
        Remote r = remote.get(deviceId);
        return r != null && isAlive(r) ? r : null;
    }

    /**
     * Alive = in the last heartbeat's live set, or learnt of after that heartbeat was sent (an instance that has
     * just started may not have beaten yet). A heartbeat older than the timeout (Redis unreachable) proves nothing.
     */
    private boolean isAlive(Remote r) {
        Alive a = alive;
        if (System.nanoTime() - a.askedAt() > config.instanceTimeout().toNanos()) {
            return false;
        }
        return a.instances().contains(r.instance()) || r.seenAt() > a.askedAt();
    }

    /** True when {@code deviceId} is connected right now by {@code accountId}. */
    public boolean isConnectedBy(UUID deviceId, UUID accountId) {
        Connected c = local(deviceId);
        if (c != null) {
            return c.accountId().equals(accountId);
        }
        Remote r = elsewhere(deviceId);
        return r != null && r.accountId().equals(accountId);
    }

    /** True when {@code deviceId} is connected right now as a trunk (gateway) by {@code accountId}. */
    public boolean isTrunk(UUID deviceId, UUID accountId) {
        Connected c = local(deviceId);
        if (c != null) {
            return c.trunk() && c.accountId().equals(accountId);
        }
        Remote r = elsewhere(deviceId);
        return r != null && r.trunk() && r.accountId().equals(accountId);
    }

    /** The account of a connected trunk, or null when that trunk is not connected. */
    public UUID trunkOwner(UUID deviceId) {
        Connected c = local(deviceId);
        if (c != null) {
            return c.trunk() ? c.accountId() : null;
        }
        Remote r = elsewhere(deviceId);
        return r != null && r.trunk() ? r.accountId() : null;
    }

    /** The account's connected (user) devices, in a stable order; trunks are rung only through the route table. */
    public List<UUID> devicesOf(UUID accountId) {
        Set<UUID> devices = new TreeSet<>();
        byDevice.values().forEach(c -> {
            if (c.accountId().equals(accountId) && !c.trunk() && c.connection().isOpen()) {
                devices.add(c.deviceId());
            }
        });
        remote.forEach((device, r) -> {
            if (r.accountId().equals(accountId) && !r.trunk() && isAlive(r) && local(device) == null) {
                devices.add(device);
            }
        });
        return List.copyOf(devices);
    }

    /**
     * Sends one JSON message to a device if it is connected here or on another live instance; a failed send is
     * logged, never propagated.
     */
    public void send(UUID deviceId, Object message) {
        if (deviceId == null) {
            return;
        }
        Connected c = local(deviceId);
        Remote r = c == null ? elsewhere(deviceId) : null;
        if (c == null && r == null) {
            return;
        }
        String text;
        try {
            text = mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Unserialisable device message", e);
        }
        if (c != null) {
            sendLocal(c, text);
        } else {
            publish(channelPrefix + r.instance(), deviceId + " " + text);
        }
    }

    private static void sendLocal(Connected c, String text) {
        c.connection().sendText(text).subscribe().with(ok -> { },
                e -> Log.debugf("Could not send to device %s: %s", c.deviceId(), e.getMessage()));
    }

    /**
     * Queues a message for another instance. One batch in flight at a time, each batch one script: messages reach
     * the other instance in the order they were sent here (offer before SDP, ringing before ended), which separate
     * PUBLISH commands over pooled connections would not guarantee.
     */
    private void publish(String channel, String message) {
        outgoing.add(new String[] {channel, message});
        drain();
    }

    private void drain() {
        if (!publishing.compareAndSet(false, true)) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(PUBLISH_ALL, "0"));
        String[] next;
        int count = 0;
        while (count < MAX_BATCH && (next = outgoing.poll()) != null) {
            args.add(next[0]);
            args.add(next[1]);
            count++;
        }
        if (count == 0) {
            publishing.set(false);
            if (!outgoing.isEmpty()) {
                drain();
            }
            return;
        }
        int sent = count;
        redis.execute("EVAL", args.toArray(String[]::new)).subscribe().with(ok -> {
            publishing.set(false);
            drain();
        }, e -> {
            Log.warnf("Could not forward %d device messages to other instances: %s", sent, e.getMessage());
            publishing.set(false);
            drain();
        });
    }
}
