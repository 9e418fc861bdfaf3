package io.lb4j.okhttp;

import io.lb4j.api.Server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte-level misbehaving HTTP/1.1 server on loopback: a {@link ServerSocket} whose every accepted
 * connection is handed to a {@link Behaviour} on its own daemon thread. For what MockWebServer cannot do:
 * resets mid-headers or mid-body, malformed status lines, endless headers, 1xx then silence. {@link #close()}
 * closes the listening socket and every connection and waits (bounded) for the threads to end.
 */
final class HostileServer implements AutoCloseable {
    /** What to do with one accepted connection; the socket is closed afterwards unless already closed. */
    interface Behaviour {
        void serve(Socket socket, HostileServer server) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Connections accepted. */
    final AtomicInteger accepted = new AtomicInteger();
    /** Request heads read (one per request that reached this server). */
    final List<String> heads = new CopyOnWriteArrayList<>();
    /** Request bodies read, as UTF-8. */
    final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private HostileServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::acceptLoop, "hostile-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    static HostileServer start(Behaviour behaviour) {
        try {
            return new HostileServer(behaviour);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    Server server(String id) {
        return Server.builder("127.0.0.1", port()).id(id).build();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            sockets.add(s);
            Thread t = new Thread(() -> {
                try {
                    behaviour.serve(s, this);
                } catch (IOException | InterruptedException e) {
                    // the client went away, or close() interrupted a stall: nothing to do
                } finally {
                    closeQuietly(s);
                }
            }, "hostile-conn-" + port());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Reads one request head (through the blank line) and its Content-Length body; null at end of stream. */
    String readRequest(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        heads.add(text);
        long length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        if (length > 0) {
            byte[] body = in.readNBytes((int) length);
            bodies.add(new String(body, StandardCharsets.UTF_8));
        }
        return text;
    }

    static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Closes with a TCP reset (SO_LINGER 0) instead of a FIN. */
    static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    /** Holds the connection open, silent, until the client or {@link #close()} ends it. */
    static void hang(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
            // discard whatever comes; -1 or an exception when the peer or close() ends it
        }
    }

    /** A complete response with a body and Content-Length. */
    static String response(int code, String body, String... headers) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(code).append(" X\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        return sb.toString();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : sockets) {
            try {
                reset(s);
            } catch (SocketException e) {
                closeQuietly(s);
            } catch (IOException e) {
                // already gone
            }
        }
        for (Thread t : threads) {
            try {
                t.join(5_000); // bounded: every thread blocks on a socket that is now closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
