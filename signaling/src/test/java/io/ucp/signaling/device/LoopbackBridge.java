package io.ucp.signaling.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Joins two network namespaces through Unix domain sockets (files are shared, networks are not). The test's browser
 * runs in a namespace of its own whose only interface is loopback, so WebRTC has nothing but 127.0.0.1 to use; the
 * bridge carries its HTTP/WebSocket traffic to the service, and the test's DevTools connection to the browser.
 * Runs inside the test JVM and, as {@link #main}, as a small process inside the browser's namespace.
 */
public final class LoopbackBridge {

    private LoopbackBridge() {
    }

    /**
     * Inside the namespace: {@code tcp:<port>=<socket>} listens on 127.0.0.1:port and forwards to the socket;
     * {@code unix:<socket>=<port>} listens on the socket and forwards to 127.0.0.1:port. Runs until killed.
     */
    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String[] parts = arg.substring(arg.indexOf(':') + 1).split("=", 2);
            if (arg.startsWith("tcp:")) {
                tcpToUnix(Integer.parseInt(parts[0]), Path.of(parts[1]));
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
