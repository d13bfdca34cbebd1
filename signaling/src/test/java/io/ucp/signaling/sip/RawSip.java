package io.ucp.signaling.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/** A loopback UDP socket that sends raw SIP text and reads the answers (test side, no SIP stack). */
final class RawSip implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3})");
    private final DatagramSocket socket;
    final int serverPort = ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class);

    RawSip() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** Text with LF line ends becomes CRLF, as on the wire. */
    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static String resource(String name) {
        try (InputStream in = RawSip.class.getResourceAsStream("/sip/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a Via naming this socket (with rport) above the message's own, as a proxy forwarding it would: responses
     * then come back here, and the message's own Vias are left as they are.
     */
    String viaUs(String message, String branch) {
        int lineEnd = message.indexOf("\r\n");
        return message.substring(0, lineEnd + 2) + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";rport;branch=z9hG4bK"
                + branch + "\r\n" + message.substring(lineEnd + 2);
    }

    void send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next response whose Call-ID is {@code callId} (others are skipped); empty if none comes within 5 s. */
    Optional<String> response(String callId) {
        for (int i = 0; i < 50; i++) {
            byte[] buffer = new byte[65_535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (callId == null || text.contains(callId)) {
                return Optional.of(text);
            }
        }
        return Optional.empty();
    }

    /** The final response for {@code callId} (provisional ones skipped). */
    String finalResponse(String callId) {
        for (int i = 0; i < 10; i++) {
            String text = response(callId).orElseThrow(() -> new AssertionError("no response for " + callId));
            if (status(text) >= 200) {
                return text;
            }
        }
        throw new AssertionError("no final response for " + callId);
    }

    static int status(String response) {
        Matcher matcher = STATUS.matcher(response);
        if (!matcher.find()) {
            throw new AssertionError("not a response: " + response);
        }
        return Integer.parseInt(matcher.group(1));
    }

    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A minimal OPTIONS to our domain from this socket. */
    String options(String callId) {
        return crlf("OPTIONS sip:ucp.local SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";rport;branch=z9hG4bK" + callId + "\n"
                + "Max-Forwards: 70\nTo: <sip:ucp.local>\nFrom: <sip:probe@ucp.local>;tag=" + callId + "\n"
                + "Call-ID: " + callId + "\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n");
    }

    @Override
    public void close() {
        socket.close();
    }
}
