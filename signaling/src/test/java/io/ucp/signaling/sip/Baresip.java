package io.ucp.signaling.sip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A headless baresip (Debian) as a SIP phone: config generated into a temp dir (voice-facts.md), registering with
 * the given credentials at signaling's SIP edge, auto-answering, a 440 Hz sine as its microphone.
 */
final class Baresip implements AutoCloseable {

    private final Process process;
    final Path dir;

    private Baresip(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static Baresip start(String username, String password, int sipPort, int ctrlPort, String rtpPorts)
            throws IOException {
        Path dir = Files.createTempDirectory("baresip");
        Files.createDirectories(dir.resolve("rec"));
        int edge = ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class);
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll", "sip_listen 127.0.0.1:" + sipPort, "call_local_timeout 30",
                "audio_player alsa,null", "audio_alert alsa,null", "audio_source ausine,440", "ausrc_srate 48000",
                "ausrc_channels 2", "auplay_srate 48000", "auplay_channels 2", "rtp_ports " + rtpPorts,
                "rtcp_mux no", "dns_server 127.0.0.1:53", "net_interface 127.0.0.1",
                "module_path /usr/lib/baresip/modules", "module g711.so", "module ausine.so", "module alsa.so",
                "module sndfile.so", "module_tmp account.so", "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + ctrlPort, "snd_path " + dir.resolve("rec"), ""));
        Files.writeString(dir.resolve("accounts"), "<sip:" + username + "@ucp.local;transport=udp>;auth_pass="
                + password + ";outbound=\"sip:127.0.0.1:" + edge + ";transport=udp\";regint=600;answermode=auto;"
                + "audio_codecs=pcmu\n");
        Files.writeString(dir.resolve("contacts"), "");
        Process process = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "120")
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new Baresip(process, dir);
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("baresip.log"));
    }

    @Override
    public void close() {
        process.destroy();
    }
}
