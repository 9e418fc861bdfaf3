package io.lb4j.okhttp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on loopback that reads each request's head and never answers: the upstream of
 * {@link NginxBackend#HANG_PATH}, so that a request stays in flight at an nginx until the test kills it. It
 * records the {@code X-Backend} header of every request (the nginx that proxied it).
 *
 * <p>Thread-safe; {@link #close()} closes the listening socket and every held connection.
 */
final class StallingUpstream implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    /** The X-Backend header of each request received, in order. */
    final List<String> received = new CopyOnWriteArrayList<>();

    StallingUpstream() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "stalling-upstream");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                held.add(s);
                Thread reader = new Thread(() -> readHead(s), "stalling-upstream-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readHead(Socket s) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String backend = "?";
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("x-backend:")) {
                    backend = line.substring("x-backend:".length()).trim();
                }
            }
            received.add(backend);
            // never answer: the connection stays open until the proxying nginx dies or the test ends
        } catch (IOException e) {
            // the proxying nginx died
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
