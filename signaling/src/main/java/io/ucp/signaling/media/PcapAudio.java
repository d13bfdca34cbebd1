package io.ucp.signaling.media;

import io.pkts.Pcap;
import io.pkts.packet.UDPPacket;
import io.pkts.protocol.Protocol;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns rtpengine's pcap recording of a call (raw-IP linktype 101, read with io.pkts) into a 16-bit 8 kHz WAV with
 * one channel per direction: every packet rtpengine records is one a party sent to its relay port, so packets are
 * grouped by destination port, the party first heard being the left channel. G.711 (PCMU/PCMA) is decoded; other
 * payloads (opus, telephone-event, comfort noise) are skipped and counted. Samples are placed by RTP timestamp
 * (gaps stay silent, reordering is undone), each stream starting at its first packet's capture time; an SSRC change
 * starts a new stream. Blocking file I/O: run it on a worker thread.
 */
public final class PcapAudio {

    static final int RATE = 8000;
    private static final int CHANNELS = 2;
    private static final int HEADER = 44;
    private static final short[] ULAW = new short[256];
    private static final short[] ALAW = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW[i] = ulaw(i);
            ALAW[i] = alaw(i);
        }
    }

    private PcapAudio() {
    }

    /** What was written. */
    public record Result(long samplesPerChannel, long durationMillis, int channels, long decodedPackets,
            long skippedPackets) {
    }

    /** Reads the pcaps (in order) and writes the WAV to {@code wav}; at most {@code max} of audio. */
    public static Result convert(List<Path> pcaps, Path wav, Duration max) throws IOException {
        long maxSamples = max.toSeconds() * RATE;
        Map<Integer, Integer> channelOfPort = new LinkedHashMap<>();
        Map<String, Stream> streams = new HashMap<>();
        long[] t0 = {Long.MIN_VALUE};
        long[] end = {0};
        long[] skipped = {0};
        // Pass 1: streams, their start and the total length (so the file can be sized and mapped).
        read(pcaps, (arrivalMicros, dstPort, rtp) -> {
            Stream s = stream(rtp, dstPort, arrivalMicros, channelOfPort, streams, t0);
            if (s == null) {
                skipped[0]++;
                return;
            }
            long pos = s.position(rtp);
            int samples = rtp.payloadLength();
            if (pos >= 0 && pos < maxSamples) {
                end[0] = Math.max(end[0], Math.min(maxSamples, pos + samples));
            }
        });
        long total = end[0];
        long decoded = 0;
        try (RandomAccessFile file = new RandomAccessFile(wav.toFile(), "rw");
                FileChannel channel = file.getChannel()) {
            long size = HEADER + total * CHANNELS * 2;
            file.setLength(size);
            MappedByteBuffer out = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            out.order(ByteOrder.LITTLE_ENDIAN);
            header(out, total);
            long[] count = {0};
            // Pass 2: decode into place (the file is zero-filled: silence where nothing arrived).
            Map<String, Stream> second = new HashMap<>();
            Map<Integer, Integer> channels2 = new LinkedHashMap<>();
            long[] t02 = {Long.MIN_VALUE};
            read(pcaps, (arrivalMicros, dstPort, rtp) -> {
                Stream s = stream(rtp, dstPort, arrivalMicros, channels2, second, t02);
                if (s == null) {
                    return;
                }
                long pos = s.position(rtp);
                if (pos < 0) {
                    return;
                }
                short[] table = rtp.payloadType() == 0 ? ULAW : ALAW;
                for (int i = 0; i < rtp.payloadLength() && pos + i < total; i++) {
                    int index = (int) (HEADER + ((pos + i) * CHANNELS + s.channel) * 2);
                    out.putShort(index, table[rtp.data()[rtp.payloadOffset() + i] & 0xFF]);
                }
                count[0]++;
            });
            out.force();
            decoded = count[0];
        }
        return new Result(total, total * 1000 / RATE, CHANNELS, decoded, skipped[0]);
    }

    // ---- pcap reading

    private interface RtpSink {
        void accept(long arrivalMicros, int dstPort, Rtp rtp);
    }

    /** The fields of one RTP packet that matter here. */
    record Rtp(byte[] data, int payloadType, long ssrc, long timestamp, int payloadOffset, int payloadLength) {

        static Rtp parse(byte[] b) {
            if (b.length < 12 || (b[0] & 0xC0) != 0x80) {
                return null;
            }
            int cc = b[0] & 0x0F;
            int offset = 12 + 4 * cc;
            if ((b[0] & 0x10) != 0) { // header extension
                if (b.length < offset + 4) {
                    return null;
                }
                offset += 4 + 4 * (((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF));
            }
            int length = b.length - offset;
            if ((b[0] & 0x20) != 0 && length > 0) { // padding
                length -= b[b.length - 1] & 0xFF;
            }
            if (length < 0) {
                return null;
            }
            int pt = b[1] & 0x7F;
            if (pt >= 72 && pt <= 76) { // RTCP on the RTP port (rtcp-mux)
                return null;
            }
            return new Rtp(b, pt, u32(b, 8), u32(b, 4), offset, length);
        }
    }

    private static void read(List<Path> pcaps, RtpSink sink) throws IOException {
        for (Path p : pcaps) {
            Pcap pcap = Pcap.openStream(p.toFile());
            try {
                pcap.loop(packet -> {
                    if (packet.hasProtocol(Protocol.UDP)) {
                        UDPPacket udp = (UDPPacket) packet.getPacket(Protocol.UDP);
                        byte[] payload = udp.getPayload() == null ? new byte[0] : udp.getPayload().getArray();
                        Rtp rtp = Rtp.parse(payload);
                        if (rtp != null) {
                            sink.accept(packet.getArrivalTime(), udp.getDestinationPort(), rtp);
                        }
                    }
                    return true;
                });
            } catch (io.pkts.framer.FramingException e) {
                throw new IOException("unreadable pcap " + p.getFileName() + ": " + e.getMessage(), e);
            } finally {
                pcap.close();
            }
        }
    }

    /** The stream of a G.711 packet (null for other payloads), created at its first packet. */
    private static Stream stream(Rtp rtp, int dstPort, long arrivalMicros, Map<Integer, Integer> channelOfPort,
            Map<String, Stream> streams, long[] t0) {
        if (rtp.payloadType() != 0 && rtp.payloadType() != 8) {
            return null;
        }
        if (t0[0] == Long.MIN_VALUE) {
            t0[0] = arrivalMicros;
        }
        int channel = channelOfPort.computeIfAbsent(dstPort, p -> channelOfPort.size() % CHANNELS);
        long start = t0[0];
        return streams.computeIfAbsent(dstPort + "/" + rtp.ssrc(),
                k -> new Stream(channel, (arrivalMicros - start) * RATE / 1_000_000, rtp.timestamp()));
    }

    private static final class Stream {
        final int channel;
        final long base;
        final long firstTimestamp;

        Stream(int channel, long base, long firstTimestamp) {
            this.channel = channel;
            this.base = base;
            this.firstTimestamp = firstTimestamp;
        }

        /** Sample index of a packet: RTP timestamps wrap at 2^32; a packet from before the first is negative. */
        long position(Rtp rtp) {
            long delta = (rtp.timestamp() - firstTimestamp) & 0xFFFFFFFFL;
            if (delta > 0x7FFFFFFFL) {
                delta -= 0x1_0000_0000L;
            }
            return base + delta;
        }
    }

    // ---- WAV and G.711

    private static void header(MappedByteBuffer out, long samples) {
        long data = samples * CHANNELS * 2;
        out.put(0, (byte) 'R').put(1, (byte) 'I').put(2, (byte) 'F').put(3, (byte) 'F');
        out.putInt(4, (int) (36 + data));
        out.put(8, (byte) 'W').put(9, (byte) 'A').put(10, (byte) 'V').put(11, (byte) 'E');
        out.put(12, (byte) 'f').put(13, (byte) 'm').put(14, (byte) 't').put(15, (byte) ' ');
        out.putInt(16, 16);
        out.putShort(20, (short) 1); // PCM
        out.putShort(22, (short) CHANNELS);
        out.putInt(24, RATE);
        out.putInt(28, RATE * CHANNELS * 2);
        out.putShort(32, (short) (CHANNELS * 2));
        out.putShort(34, (short) 16);
        out.put(36, (byte) 'd').put(37, (byte) 'a').put(38, (byte) 't').put(39, (byte) 'a');
        out.putInt(40, (int) data);
    }

    /** ITU-T G.711 µ-law to 16-bit linear. */
    static short ulaw(int code) {
        int b = ~code & 0xFF;
        int t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4);
        return (short) ((b & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    /** ITU-T G.711 A-law to 16-bit linear. */
    static short alaw(int code) {
        int b = code ^ 0x55;
        int t = (b & 0x0F) << 4;
        int seg = (b & 0x70) >> 4;
        t = seg == 0 ? t + 8 : (t + 0x108) << (seg - 1);
        return (short) ((b & 0x80) != 0 ? t : -t);
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8) | (b[i + 3] & 0xFFL);
    }
}
