package io.lb4j.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server for tests: UDP on 127.0.0.1, an ephemeral port, A, AAAA and SRV records
 * from a map the test changes while it runs (RFC 1035 wire format, no compression except the answer's name
 * pointing at the question). Names it does not know get NXDOMAIN; a known name without records of the
 * asked type gets an empty NOERROR answer. {@link #failWith(int)} answers every query with an error code
 * (2 = SERVFAIL), {@link #silent(boolean)} drops queries so the client times out. Never touches the network.
 */
final class LoopbackDnsServer implements AutoCloseable {
    static final int A = 1;
    static final int AAAA = 28;
    static final int SRV = 33;

    record Rr(int type, byte[] data) {
    }

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<String, List<Rr>> zone = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile int failRcode;
    private volatile boolean silent;

    LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** The JNDI provider URL of this server. */
    String url() {
        return "dns://127.0.0.1:" + socket.getLocalPort();
    }

    int queries() {
        return queries.get();
    }

    void failWith(int rcode) {
        this.failRcode = rcode;
    }

    void silent(boolean silent) {
        this.silent = silent;
    }

    /** Replaces all records of a name (an empty array makes the name exist with no records). */
    void set(String name, Rr... records) {
        zone.put(key(name), List.of(records));
    }

    void remove(String name) {
        zone.remove(key(name));
    }

    static Rr a(String ip) {
        return address(ip, A);
    }

    static Rr aaaa(String ip) {
        return address(ip, AAAA);
    }

    private static Rr address(String ip, int type) {
        try {
            return new Rr(type, InetAddress.getByName(ip).getAddress());
        } catch (IOException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    static Rr srv(int priority, int weight, int port, String target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(priority >> 8);
        out.write(priority);
        out.write(weight >> 8);
        out.write(weight);
        out.write(port >> 8);
        out.write(port);
        writeName(out, target);
        return new Rr(SRV, out.toByteArray());
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        for (String label : key(name).split("\\.")) {
            if (!label.isEmpty()) {
                out.write(label.length());
                out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        out.write(0);
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                queries.incrementAndGet();
                if (silent) {
                    continue;
                }
                byte[] reply = answer(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
                socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(ByteBuffer q) {
        int id = q.getShort() & 0xffff;
        int flags = q.getShort() & 0xffff;
        q.position(12);
        StringBuilder name = new StringBuilder();
        for (int len = q.get() & 0xff; len != 0; len = q.get() & 0xff) {
            byte[] label = new byte[len];
            q.get(label);
            name.append(name.length() == 0 ? "" : ".").append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int qtype = q.getShort() & 0xffff;
        q.getShort(); // class
        int questionEnd = q.position();
        List<Rr> known = zone.get(key(name.toString()));
        List<Rr> answers = new ArrayList<>();
        int rcode = failRcode;
        if (rcode == 0 && known == null) {
            rcode = 3;
        } else if (rcode == 0) {
            for (Rr r : known) {
                if (r.type() == qtype) {
                    answers.add(r);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode; // QR, AA, RD copied, RA
        writeShort(out, id);
        writeShort(out, rflags);
        writeShort(out, 1);
        writeShort(out, answers.size());
        writeShort(out, 0);
        writeShort(out, 0);
        out.write(q.array(), 12, questionEnd - 12);
        for (Rr r : answers) {
            writeShort(out, 0xC00C);
            writeShort(out, r.type());
            writeShort(out, 1);
            writeShort(out, 0);
            writeShort(out, 5); // TTL 5 s
            writeShort(out, r.data().length);
            out.writeBytes(r.data());
        }
        return out.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
