package io.lb4j.benchmarks.fuzz;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthListener;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;

import java.lang.reflect.Array;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The values {@link PublicApiFuzzTest} calls the API with: good ones (including objects the API built
 * itself, collected as calls return them) and hostile ones, per parameter type. Not thread-safe; one test.
 */
final class FuzzValues {
    private static final String[] GOOD_STRINGS = {"127.0.0.1:9", "127.0.0.1", "round-robin",
            "upstream backend { server 127.0.0.1:9; }", "TEXT cpu_utilization=0.5, rps_fractional=10",
            "jdbc:lb:mariadb://127.0.0.1:9,127.0.0.1:10/db?connectTimeout=200", "backend"};
    private static final String[] BAD_STRINGS = {null, "", " ", "\t", "\u0000", "\uD800", "-1", "NaN",
            "99999999999999999999999", "[::1", "a b", "${jndi:ldap://x}", "%", "é", "x".repeat(70_000)};
    private static final int PER_CLASS = 3;
    private static final Map<Class<?>, Object> ZEROS = Map.of(int.class, 0, long.class, 0L, double.class, 0.0,
            float.class, 0f, char.class, (char) 0, byte.class, (byte) 0, short.class, (short) 0);

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "fuzz-executor");
        t.setDaemon(true);
        return t;
    });
    private final Map<Class<?>, List<Object>> objects = new LinkedHashMap<>();
    private final Map<Executable, Object[]> working = new HashMap<>();

    FuzzValues() {
        offer(Server.of("127.0.0.1", 9));
        offer(Server.builder("127.0.0.1", 10).weight(3).build());
        offer(PickContext.none());
        offer(PickContext.ofKey("user-1"));
        offer(new ManualTicker());
    }

    /** Keeps what an API call returned as a receiver and argument for later calls (a few per class). */
    void offer(Object o) {
        if (o instanceof Collection<?> c) {
            c.stream().limit(PER_CLASS).filter(x -> x != null && !(x instanceof Collection)).forEach(this::offer);
            return;
        }
        if (o.getClass().isArray() || o instanceof String || o instanceof Number || o instanceof Boolean
                || o.getClass().isEnum() || !o.getClass().getName().startsWith("io.lb4j.")) {
            return;
        }
        List<Object> l = objects.computeIfAbsent(o.getClass(), k -> new ArrayList<>());
        if (l.size() < PER_CLASS) {
            l.add(o);
        }
    }

    /** Objects to call an instance method on ({@code null} for a static method or a constructor). */
    List<Object> receivers(Executable e) {
        if (!(e instanceof java.lang.reflect.Method) || Modifier.isStatic(e.getModifiers())) {
            return Collections.singletonList(null);
        }
        List<Object> out = new ArrayList<>();
        for (Map.Entry<Class<?>, List<Object>> en : objects.entrySet()) {
            if (e.getDeclaringClass().isAssignableFrom(en.getKey())) {
                out.add(en.getValue().get(0));
            }
        }
        return out;
    }

    /**
     * Good arguments: the set that worked the last time, or one set per good string (the first that lets
     * the call return is remembered), or null when a parameter's type has no good value.
     */
    Object[] goodArgs(Executable e) {
        Object[] known = working.get(e);
        if (known != null) {
            return known.clone();
        }
        return goodArgs(e, 0);
    }

    List<Object[]> goodArgSets(Executable e) {
        List<Object[]> sets = new ArrayList<>();
        boolean hasString = Arrays.stream(e.getParameterTypes()).anyMatch(t -> t == String.class);
        for (int s = 0; s < (hasString ? GOOD_STRINGS.length : 1); s++) {
            Object[] a = goodArgs(e, s);
            if (a != null) {
                sets.add(a);
            }
        }
        return sets;
    }

    void worked(Executable e, Object[] args) {
        working.putIfAbsent(e, args.clone());
    }

    private Object[] goodArgs(Executable e, int stringChoice) {
        Class<?>[] types = e.getParameterTypes();
        Type[] generic = e.getGenericParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Object v = good(generic[i], types[i], stringChoice);
            if (v == null) {
                return null;
            }
            args[i] = v;
        }
        return args;
    }

    private Object good(Type generic, Class<?> t, int stringChoice) {
        if (t == String.class || t == CharSequence.class) {
            return GOOD_STRINGS[stringChoice];
        }
        if (t == int.class || t == Integer.class) {
            return 1;
        }
        if (t == long.class || t == Long.class) {
            return 1000L;
        }
        if (t == double.class || t == Double.class) {
            return 0.5;
        }
        if (t == float.class) {
            return 0.5f;
        }
        if (t == boolean.class || t == Boolean.class) {
            return true;
        }
        if (t == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (t == TimeUnit.class) {
            return TimeUnit.SECONDS;
        }
        if (t.isEnum()) {
            return t.getEnumConstants()[0];
        }
        if (t == Ticker.class) {
            return new ManualTicker();
        }
        if (t == RandomGenerator.class || t == Random.class) {
            return new Random(1);
        }
        if (t.isAssignableFrom(ScheduledExecutorService.class) && t != Object.class) {
            return executor;
        }
        if (t == java.util.Properties.class) {
            return new java.util.Properties();
        }
        if (t == okhttp3.Request.class) {
            return new okhttp3.Request.Builder().url("http://127.0.0.1:9/").build();
        }
        if (t == HealthCheck.class) {
            return (HealthCheck) (server, timeout) -> HealthCheckResult.pass();
        }
        if (t == HealthListener.class) {
            return (HealthListener) event -> { };
        }
        if (t == List.class || t == Collection.class || t == Iterable.class || t == Set.class) {
            Object element = good(elementType(generic, 0), raw(elementType(generic, 0)), 0);
            if (element == null) {
                return null;
            }
            Object second = element instanceof Server ? Server.of("127.0.0.1", 11) : null;
            List<Object> l = second == null ? List.of(element) : List.of(element, second);
            return t == Set.class ? Set.copyOf(l) : l;
        }
        if (t == Map.class) {
            Object k = good(elementType(generic, 0), raw(elementType(generic, 0)), 0);
            Object v = good(elementType(generic, 1), raw(elementType(generic, 1)), 0);
            return k == null || v == null ? null : Map.of(k, v);
        }
        if (t.isArray()) {
            Object element = good(t.getComponentType(), t.getComponentType(), stringChoice);
            if (element == null) {
                return null;
            }
            Object a = Array.newInstance(t.getComponentType(), 1);
            Array.set(a, 0, element);
            return a;
        }
        for (Map.Entry<Class<?>, List<Object>> en : objects.entrySet()) {
            if (t.isAssignableFrom(en.getKey())) {
                return en.getValue().get(0);
            }
        }
        return null;
    }

    /** Hostile values of a parameter's type (never null for a primitive). */
    List<Object> bad(Type generic, Class<?> t) {
        List<Object> out = new ArrayList<>();
        if (t == String.class || t == CharSequence.class) {
            out.addAll(Arrays.asList(BAD_STRINGS));
        } else if (t == int.class || t == Integer.class) {
            out.addAll(List.of(Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE));
        } else if (t == long.class || t == Long.class) {
            out.addAll(List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE));
        } else if (t == double.class || t == Double.class) {
            out.addAll(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, -1.0, 1e308,
                    Double.MIN_VALUE));
        } else if (t == float.class) {
            out.addAll(List.of(Float.NaN, Float.NEGATIVE_INFINITY, -1f));
        } else if (t == boolean.class) {
            out.add(false);
        } else if (t == Duration.class) {
            out.addAll(List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofNanos(1),
                    Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofSeconds(Long.MIN_VALUE)));
        } else if (t == List.class || t == Collection.class || t == Iterable.class) {
            out.add(List.of());
            out.add(Collections.singletonList(null));
            Object element = good(elementType(generic, 0), raw(elementType(generic, 0)), 0);
            if (element != null) {
                out.add(Arrays.asList(element, element)); // a duplicate
            }
        } else if (t == Set.class) {
            out.add(Set.of());
            out.add(Collections.singleton(null));
        } else if (t == Map.class) {
            out.add(Map.of());
            Map<Object, Object> m = new HashMap<>();
            m.put(good(elementType(generic, 0), raw(elementType(generic, 0)), 0), null);
            out.add(m);
        } else if (t.isArray()) {
            out.add(Array.newInstance(t.getComponentType(), 0));
            if (!t.getComponentType().isPrimitive()) {
                out.add(Array.newInstance(t.getComponentType(), 1));
            }
        } else if (t.isInterface() && t.getName().startsWith("io.lb4j.")) {
            out.add(throwing(t));
            out.add(answeringNothing(t));
        }
        if (!t.isPrimitive()) {
            out.add(null);
        }
        return out;
    }

    /** A good or hostile value, at random. */
    Object any(Random r, Type generic, Class<?> t) {
        List<Object> bad = bad(generic, t);
        if (!bad.isEmpty() && r.nextBoolean()) {
            return bad.get(r.nextInt(bad.size()));
        }
        return good(generic, t, r.nextInt(GOOD_STRINGS.length));
    }

    /** A callback whose every method throws, as a hostile listener, probe or strategy would. */
    private static Object throwing(Class<?> t) {
        return Proxy.newProxyInstance(FuzzValues.class.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return "throwing " + t.getSimpleName();
            }
            if (m.getName().equals("hashCode")) {
                return System.identityHashCode(p);
            }
            if (m.getName().equals("equals")) {
                return p == a[0];
            }
            throw new IllegalStateException("hostile " + t.getSimpleName() + "." + m.getName());
        });
    }

    /** A callback that answers null, zero or false to everything: a broken strategy, source or probe. */
    private static Object answeringNothing(Class<?> t) {
        return Proxy.newProxyInstance(FuzzValues.class.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return "null-answering " + t.getSimpleName();
            }
            if (m.getName().equals("equals")) {
                return p == a[0];
            }
            Class<?> r = m.getReturnType();
            if (r == boolean.class) {
                return false;
            }
            if (r == void.class || !r.isPrimitive()) {
                return null;
            }
            return ZEROS.get(r); // (a conditional expression would promote every zero to double)
        });
    }

    private static Type elementType(Type generic, int index) {
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            Type a = p.getActualTypeArguments()[index];
            return a instanceof WildcardType w ? w.getUpperBounds()[0] : a;
        }
        return Object.class;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
    }

    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        String s = o.getClass().isArray() ? o.getClass().getComponentType().getSimpleName() + "["
                + Array.getLength(o) + "]" : String.valueOf(o);
        return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    }

    String offeredClasses() {
        return objects.keySet().stream().map(Class::getSimpleName).collect(java.util.stream.Collectors.joining(" "));
    }

    void close() {
        for (List<Object> l : objects.values()) {
            for (Object o : l) {
                try {
                    if (o instanceof Pool p) {
                        p.close();
                    } else if (o instanceof AutoCloseable c) {
                        c.close();
                    }
                } catch (Exception ignored) {
                    // closing what the fuzz built; a second close may refuse
                }
            }
        }
        executor.shutdownNow();
    }
}
