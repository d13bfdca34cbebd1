package io.ucp.signaling.sip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A headless baresip (Debian) as a SIP phone: config generated into a temp dir (voice-facts.md), registering with
 * the given credentials at signaling's SIP edge, auto-answering, a sine (440 Hz unless told) as its microphone.
 */
final class Baresip implements AutoCloseable {

    private final Process process;
    private final int ctrlPort;
    final Path dir;

    private Baresip(Process process, Path dir, int ctrlPort) {
        this.process = process;
        this.dir = dir;
        this.ctrlPort = ctrlPort;
    }

    static Baresip start(String username, String password, int sipPort, int ctrlPort, String rtpPorts)
            throws IOException {
        return start(username, password, sipPort, ctrlPort, rtpPorts, 440);
    }

    /** As above, with {@code toneHz} as the microphone's sine (two phones with two tones tell their audio apart). */
    static Baresip start(String username, String password, int sipPort, int ctrlPort, String rtpPorts, int toneHz)
            throws IOException {
        return start(username, password, sipPort, ctrlPort, rtpPorts, toneHz, "auto");
    }

    /** As above; {@code answermode} {@code manual} leaves an incoming call ringing (answer by ctrl_tcp "accept"). */
    static Baresip start(String username, String password, int sipPort, int ctrlPort, String rtpPorts, int toneHz,
            String answermode) throws IOException {
        return start(ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class), username, password,
                sipPort, ctrlPort, rtpPorts, toneHz, answermode);
    }

    /** As above, registering at the SIP edge on {@code edge} (e.g. one of several instances). */
    static Baresip start(int edge, String username, String password, int sipPort, int ctrlPort, String rtpPorts,
            int toneHz, String answermode) throws IOException {
        Path dir = Files.createTempDirectory("baresip");
        Files.createDirectories(dir.resolve("rec"));
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll", "sip_listen 127.0.0.1:" + sipPort, "call_local_timeout 30",
                "audio_player alsa,null", "audio_alert alsa,null", "audio_source ausine," + toneHz, "ausrc_srate 48000",
                "ausrc_channels 2", "auplay_srate 48000", "auplay_channels 2", "rtp_ports " + rtpPorts,
                "rtcp_mux no", "dns_server 127.0.0.1:53", "net_interface 127.0.0.1",
                "module_path /usr/lib/baresip/modules", "module g711.so", "module ausine.so", "module alsa.so",
                "module sndfile.so", "module_tmp account.so", "module_app menu.so", "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + ctrlPort, "snd_path " + dir.resolve("rec"), ""));
        Files.writeString(dir.resolve("accounts"), "<sip:" + username + "@ucp.local;transport=udp>;auth_pass="
                + password + ";outbound=\"sip:127.0.0.1:" + edge + ";transport=udp\";regint=600;answermode=" + answermode + ";"
                + "audio_codecs=pcmu\n");
        Files.writeString(dir.resolve("contacts"), "");
        Process process = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "120")
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new Baresip(process, dir, ctrlPort);
    }

    /**
     * A command on baresip's ctrl_tcp socket (netstring-framed JSON, e.g. {@code hangup}, {@code dial},
     * {@code hold}); returns baresip's response line. Retries the connection while baresip is still starting.
     */
    String command(String command, String params) throws Exception {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Exception last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), ctrlPort)) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write((body.length + ":" + json + ",").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
                var in = new java.io.DataInputStream(socket.getInputStream());
                // Netstrings: events may come before the response to our command.
                while (true) {
                    StringBuilder length = new StringBuilder();
                    int c;
                    while ((c = in.read()) != ':') {
                        if (c < 0) {
                            return "";
                        }
                        length.append((char) c);
                    }
                    byte[] message = new byte[Integer.parseInt(length.toString().trim())];
                    in.readFully(message);
                    in.read(); // the trailing comma
                    String text = new String(message, java.nio.charset.StandardCharsets.UTF_8);
                    if (text.contains("\"response\":true")) {
                        return text;
                    }
                }
            } catch (java.net.ConnectException e) {
                last = e;
                org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(100)).until(() -> true);
            }
        }
        throw last;
    }

    String command(String command) throws Exception {
        return command(command, "");
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("baresip.log"));
    }

    @Override
    public void close() {
        process.destroy();
    }
}
