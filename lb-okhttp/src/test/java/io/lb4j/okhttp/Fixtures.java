package io.lb4j.okhttp;

import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Clients, cookie jars and DNS for the interceptor tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** A DNS that records every name looked up; resolves IP literals only, so a logical name can never be reached. */
    static final class RecordingDns implements Dns {
        final List<String> lookups = new CopyOnWriteArrayList<>();

        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            lookups.add(hostname);
            if (!hostname.matches("[0-9.]+")) {
                throw new UnknownHostException("test DNS resolves IP literals only, not " + hostname);
            }
            return List.of(InetAddress.getByName(hostname));
        }
    }

    /** An in-memory cookie jar that honours domain and path matching; thread-safe (a replace is atomic). */
    static final class MemoryCookieJar implements CookieJar {
        final List<Cookie> cookies = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void saveFromResponse(HttpUrl url, List<Cookie> list) {
            for (Cookie c : list) {
                cookies.removeIf(old -> old.name().equals(c.name()) && old.domain().equals(c.domain())
                        && old.path().equals(c.path()));
                cookies.add(c);
            }
        }

        @Override
        public List<Cookie> loadForRequest(HttpUrl url) {
            List<Cookie> out = new ArrayList<>();
            for (Cookie c : cookies) {
                if (c.matches(url)) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    /**
     * OkHttp's {@code JavaNetCookieJar} over {@code handler}: okhttp3.java.net.cookiejar.JavaNetCookieJar
     * (artifact okhttp-java-net-cookiejar) on OkHttp 5, okhttp3.JavaNetCookieJar (okhttp-urlconnection) on 4.12.
     */
    static CookieJar javaNetCookieJar(CookieHandler handler) {
        String type = StubServer.onOkHttp4() ? "okhttp3.JavaNetCookieJar" : "okhttp3.java.net.cookiejar.JavaNetCookieJar";
        try {
            return (CookieJar) Class.forName(type).getConstructor(CookieHandler.class).newInstance(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no " + type + " on the test class path", e);
        }
    }

    /**
     * The cookie jar to give a client with the interceptor, as a user on this OkHttp would: on OkHttp 4.12
     * {@link LoadBalancingInterceptor#cookieJar(CookieJar)} around {@code jar} (required there); on OkHttp 5
     * {@code jar} itself (nothing to install), so the default run keeps testing that.
     */
    static CookieJar clientJar(CookieJar jar) {
        return StubServer.onOkHttp4() ? LoadBalancingInterceptor.cookieJar(jar) : jar;
    }

    static OkHttpClient.Builder client(LoadBalancingInterceptor interceptor, Dns dns) {
        return new OkHttpClient.Builder()
                .cookieJar(clientJar(CookieJar.NO_COOKIES))
                .addInterceptor(interceptor)
                .dns(dns)
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(5, TimeUnit.SECONDS)
                .callTimeout(20, TimeUnit.SECONDS);
    }

    static Request get(String url) {
        return new Request.Builder().url(url).build();
    }

    /** Executes and returns status and body as "code body". */
    static String call(OkHttpClient client, Request request) {
        try (Response r = client.newCall(request).execute()) {
            return r.code() + " " + r.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
