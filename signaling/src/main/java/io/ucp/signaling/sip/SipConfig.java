package io.ucp.signaling.sip;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The SIP edge: listeners, limits and the registrar. */
@ConfigMapping(prefix = "ucp.signaling.sip")
public interface SipConfig {

    /** Off: no SIP listeners (e.g. a signaling instance that only serves the API). */
    @WithDefault("true")
    boolean enabled();

    /** The address both listeners (UDP and TCP) bind to; 127.0.0.1 locally. */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("5060")
    int port();

    /** Our SIP domain (also the digest realm): Request-URIs for any other domain are refused (no open relay). */
    @WithDefault("ucp.local")
    String domain();

    /** Largest SIP message accepted (bytes): a larger request is refused as malformed (400), a response dropped. */
    @WithDefault("16384")
    int maxMessageSize();

    /** Most concurrent TCP connections the stack keeps. */
    @WithDefault("1000")
    int maxTcpConnections();

    /** Most server (and, separately, client) transactions alive at once; beyond it requests get 503. */
    @WithDefault("10000")
    int maxTransactions();

    /** Threads of the stack that parse and hand messages on (never the event loop). */
    @WithDefault("4")
    int stackThreads();

    Registrar registrar();

    /** SIP trunks towards carriers or PBXs, by name ({@code ucp.signaling.sip.trunks."<name>".*}). */
    Map<String, Trunk> trunks();

    /**
     * A SIP trunk: where calls to its number prefixes leave ({@code host:port}, transport) and which source
     * addresses' INVITEs are its inbound calls. It is a trunk device of the call model: {@code device-id} is what
     * CDRs and the outbound route table name, {@code account-id} the gateway account it belongs to.
     */
    interface Trunk {

        UUID deviceId();

        UUID accountId();

        String host();

        @WithDefault("5060")
        int port();

        /** {@code udp} or {@code tcp}. */
        @WithDefault("udp")
        String transport();

        /**
         * Sources ({@code ip} or {@code ip:port}) whose INVITEs are inbound calls from this trunk (no digest:
         * carriers authenticate by address). Default: {@code host:port}.
         */
        Optional<List<String>> allowedSources();

        /** E.164 prefixes whose outbound calls leave through this trunk (after the configured outbound routes). */
        Optional<List<String>> prefixes();
    }

    interface Registrar {

        /** A nonce is accepted this long after it was issued. */
        @WithDefault("60s")
        Duration nonceTtl();

        @WithDefault("60")
        int minExpires();

        @WithDefault("3600")
        int maxExpires();

        /** Expiry when the REGISTER names none. */
        @WithDefault("3600")
        int defaultExpires();

        /** Contacts one device may have registered at once. */
        @WithDefault("5")
        int maxContactsPerDevice();

        /** Failed digest attempts one source address may make per window before it gets 403 without a check. */
        @WithDefault("10")
        int maxFailures();

        @WithDefault("60s")
        Duration failureWindow();
    }
}
