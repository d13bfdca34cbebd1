package io.ucp.signaling.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Joins two network namespaces through Unix domain sockets (files are shared, networks are not). The test's browser
 * runs in a namespace of its own whose only interface is loopback, so WebRTC has nothing but 127.0.0.1 to use; the
 * bridge carries its HTTP/WebSocket traffic to the service, and the test's DevTools connection to the browser.
 * It also carries UDP for a port range (the media relay's RTP ports): inside the namespace each port of the range
 * is bound on 127.0.0.1, and each datagram travels, framed, over one Unix stream to the test JVM, which sends it on
 * to 127.0.0.1 at the same port and carries the replies back — so a browser that can only reach its own loopback
 * talks ICE/DTLS/SRTP with rtpengine as if it were beside it. Runs inside the test JVM and, as {@link #main}, as a
 * small process inside the browser's namespace.
 */
public final class LoopbackBridge {

    private LoopbackBridge() {
    }

    /**
     * Inside the namespace: {@code tcp:<port>=<socket>} listens on 127.0.0.1:port and forwards to the socket;
     * {@code unix:<socket>=<port>} listens on the socket and forwards to 127.0.0.1:port; {@code udp:<first>-<last>=
     * <socket>} binds those UDP ports and carries their datagrams over the socket ({@link #unixToUdp} on the other
     * side). Runs until killed.
     */
    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String[] parts = arg.substring(arg.indexOf(':') + 1).split("=", 2);
            if (arg.startsWith("tcp:")) {
                tcpToUnix(Integer.parseInt(parts[0]), Path.of(parts[1]));
            } else if (arg.startsWith("udp:")) {
                String[] range = parts[0].split("-", 2);
                udpToUnix(Integer.parseInt(range[0]), Integer.parseInt(range[1]), Path.of(parts[1]));
            } else {
                unixToTcp(Path.of(parts[0]), Integer.parseInt(parts[1]));
            }
        }
        Thread.currentThread().join();
    }

    /** Listens on 127.0.0.1:{@code port} (0 = any free port) and forwards each connection to {@code socket}. */
    public static ServerSocketChannel tcpToUnix(int port, Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        accept(server, () -> open(UnixDomainSocketAddress.of(socket)));
        return server;
    }

    /** Listens on {@code socket} and forwards each connection to 127.0.0.1:{@code port}. */
    public static ServerSocketChannel unixToTcp(Path socket, int port) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        accept(server, () -> open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        return server;
    }

    /**
     * Inside the namespace: binds 127.0.0.1 UDP ports {@code first..last}; each datagram received goes over
     * {@code socket} as a frame (port, length, bytes), each frame coming back is sent from that port to whoever
     * last sent to it.
     */
    static void udpToUnix(int first, int last, Path socket) throws IOException {
        SocketChannel stream = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        Selector selector = Selector.open();
        Map<Integer, DatagramChannel> ports = new ConcurrentHashMap<>();
        Map<Integer, java.net.SocketAddress> peers = new ConcurrentHashMap<>();
        for (int port = first; port <= last; port++) {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, port);
            ports.put(port, channel);
        }
        daemon("bridge-udp-in", () -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (selector.isOpen()) {
                    selector.select();
                    for (SelectionKey key : selector.selectedKeys()) {
                        int port = (Integer) key.attachment();
                        buffer.clear();
                        java.net.SocketAddress from = ((DatagramChannel) key.channel()).receive(buffer);
                        if (from != null) {
                            peers.put(port, from);
                            buffer.flip();
                            writeFrame(stream, port, buffer);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                // the stream closed: the test is over
            }
        });
        daemon("bridge-udp-out", () -> readFrames(stream, (port, datagram) -> {
            java.net.SocketAddress peer = peers.get(port);
            DatagramChannel channel = ports.get(port);
            if (peer != null && channel != null) {
                channel.send(datagram, peer);
            }
        }));
    }

    /**
     * Outside: listens on {@code socket}; each frame arriving is sent to 127.0.0.1 at the frame's port from a socket
     * of its own per port, and whatever comes back to that socket goes back as a frame.
     */
    public static ServerSocketChannel unixToUdp(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        daemon("bridge-udp-accept", () -> {
            try {
                SocketChannel stream = server.accept();
                Map<Integer, DatagramChannel> ports = new ConcurrentHashMap<>();
                readFrames(stream, (port, datagram) -> {
                    DatagramChannel channel = ports.get(port);
                    if (channel == null) {
                        channel = DatagramChannel.open();
                        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                        ports.put(port, channel);
                        DatagramChannel back = channel;
                        daemon("bridge-udp-back", () -> {
                            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
                            try (back) {
                                while (back.isOpen()) {
                                    buffer.clear();
                                    try {
                                        back.read(buffer);
                                    } catch (java.net.PortUnreachableException e) {
                                        continue; // nothing listened there yet: later datagrams may find it
                                    }
                                    buffer.flip();
                                    writeFrame(stream, port, buffer);
                                }
                            } catch (IOException e) {
                                // nothing listens there (ICMP refused), or the stream closed
                            }
                        });
                    }
                    channel.write(datagram);
                });
                ports.values().forEach(c -> {
                    try {
                        c.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                });
            } catch (IOException e) {
                // closed before anyone connected
            }
        });
        return server;
    }

    private interface FrameHandler {
        void handle(int port, ByteBuffer datagram) throws IOException;
    }

    private static void writeFrame(SocketChannel stream, int port, ByteBuffer datagram) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + datagram.remaining());
        frame.putShort((short) port).putShort((short) datagram.remaining()).put(datagram).flip();
        synchronized (stream) {
            while (frame.hasRemaining()) {
                stream.write(frame);
            }
        }
    }

    private static void readFrames(SocketChannel stream, FrameHandler handler) {
        ByteBuffer header = ByteBuffer.allocate(4);
        try (stream) {
            while (true) {
                header.clear();
                if (!readFully(stream, header)) {
                    return;
                }
                header.flip();
                int port = Short.toUnsignedInt(header.getShort());
                ByteBuffer datagram = ByteBuffer.allocate(Short.toUnsignedInt(header.getShort()));
                if (!readFully(stream, datagram)) {
                    return;
                }
                datagram.flip();
                try {
                    handler.handle(port, datagram);
                } catch (IOException e) {
                    // one datagram lost, as UDP may
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static boolean readFully(SocketChannel stream, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (stream.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    private static SocketChannel open(java.net.SocketAddress address) {
        try {
            return SocketChannel.open(address);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void accept(ServerSocketChannel server, Supplier<SocketChannel> target) {
        daemon("bridge-accept", () -> {
            while (server.isOpen()) {
                try {
                    SocketChannel in = server.accept();
                    SocketChannel out;
                    try {
                        out = target.get();
                    } catch (RuntimeException e) {
                        in.close();
                        continue;
                    }
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        daemon("bridge-pump", () -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try (from; to) {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // one side closed: both close
            }
        });
    }
}
