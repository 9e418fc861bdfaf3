package io.lb4j.benchmarks.fuzz;

import io.lb4j.api.Server;
import io.lb4j.jdbc.LbDriver;
import io.lb4j.okhttp.LoadBalancingInterceptor;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public constructor and method of the four library modules (the internal packages, ZooKeeper and
 * the calls that go to the outside world — subscribe, refresh, bind, start — excepted), called by reflection on objects the API itself
 * built, with one argument at a time replaced by a hostile value (null, empty, blank, control characters,
 * huge, negative, NaN, infinite, zero or overflowing durations, collections holding null, a callback that
 * throws) and then with seeded random mixes. Whatever an entry point does with bad input, it must not let a
 * {@link NullPointerException}, {@link IndexOutOfBoundsException}, {@link ArithmeticException},
 * {@link ClassCastException}, {@link NumberFormatException} or an {@link Error} escape, and an
 * {@link IllegalArgumentException} or {@link IllegalStateException} must carry a message.
 * {@code -Dlb4j.fuzz.seed=N} and {@code -Dlb4j.fuzz.count=N} (random mixes per entry point) repeat or
 * lengthen a run.
 */
class PublicApiFuzzTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 100);
    private static final List<String> PACKAGES = List.of("io.lb4j.api", "io.lb4j.algorithms", "io.lb4j.config",
            "io.lb4j.pool", "io.lb4j.discovery", "io.lb4j.okhttp", "io.lb4j.jdbc");
    /** Entry points that go to the outside world (DNS, files, ZooKeeper) or start threads: fuzzed elsewhere. */
    private static final Set<String> OUTSIDE = Set.of("subscribe", "refresh", "bind", "start");

    private static final FuzzValues VALUES = new FuzzValues();

    @AfterAll
    static void closeValues() {
        VALUES.close();
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void noPublicEntryPointLetsAProgrammingErrorEscape() throws Exception {
        List<Class<?>> classes = publicClasses();
        assertThat(classes).as("public classes found").hasSizeGreaterThan(70);
        List<Executable> entries = new ArrayList<>();
        for (Class<?> c : classes) {
            try {
                c.getMethods();
            } catch (NoClassDefFoundError optionalDependencyMissing) {
                continue; // e.g. CircuitBreakerHealth in the Surefire execution without resilience4j
            }
            if (!Modifier.isAbstract(c.getModifiers()) && !c.isInterface()) {
                for (Constructor<?> k : c.getConstructors()) {
                    entries.add(k);
                }
            }
            for (Method m : c.getMethods()) {
                if (m.getDeclaringClass() == c && !m.isSynthetic() && !m.isBridge()) {
                    entries.add(m);
                }
            }
        }
        entries.sort(Comparator.comparing(Executable::toGenericString));

        // grow the pool of good receivers: what the API's own factories, builders and constructors return
        for (int round = 0; round < 3; round++) {
            for (Executable e : entries) {
                if (skip(e)) {
                    continue;
                }
                for (Object receiver : VALUES.receivers(e)) {
                    for (Object[] args : VALUES.goodArgSets(e)) {
                        Object result = call(e, receiver, args).result;
                        if (!(result instanceof Throwable)) {
                            VALUES.worked(e, args);
                            if (result != null) {
                                VALUES.offer(result);
                            }
                        }
                    }
                }
            }
        }

        Random random = new Random(SEED);
        Map<String, String> findings = new LinkedHashMap<>();
        int calls = 0;
        for (Executable e : entries) {
            if (skip(e)) {
                continue;
            }
            for (Object receiver : VALUES.receivers(e)) {
                Object[] good = VALUES.goodArgs(e);
                if (good == null) {
                    continue;
                }
                Class<?>[] types = e.getParameterTypes();
                for (int i = 0; i < types.length; i++) {
                    for (Object bad : VALUES.bad(e.getGenericParameterTypes()[i], types[i])) {
                        Object[] args = good.clone();
                        args[i] = bad;
                        check(e, receiver, args, findings);
                        calls++;
                    }
                }
                for (int n = 0; n < COUNT && types.length > 0; n++) {
                    Object[] args = new Object[types.length];
                    for (int i = 0; i < types.length; i++) {
                        args[i] = random.nextInt(3) == 0 ? good[i]
                                : VALUES.any(random, e.getGenericParameterTypes()[i], types[i]);
                    }
                    check(e, receiver, args, findings);
                    calls++;
                }
            }
        }
        assertThat(calls).as("calls made").isGreaterThan(5_000);
        assertThat(findings).as("entry points that let a programming error escape (seed " + SEED + ")").isEmpty();
    }

    private static boolean skip(Executable e) {
        String name = e.getName();
        if (OUTSIDE.contains(name) || e.getDeclaringClass().getSimpleName().startsWith("ZooKeeper")) {
            return true;
        }
        if (e.getDeclaringClass().isEnum() && name.equals("valueOf")) {
            return true; // the compiler's Enum.valueOf: the JDK's contract (NullPointerException for null)
        }
        // waiting for a real future, or a second close/shut down of a shared value, is not input handling
        return name.equals("wait") || name.equals("join") || name.equals("get") && e.getDeclaringClass()
                .getName().startsWith("java.");
    }

    private static void check(Executable e, Object receiver, Object[] args, Map<String, String> findings) {
        Outcome o = call(e, receiver, args);
        if (!(o.result instanceof Throwable)) {
            if (o.result != null) {
                try {
                    String s = o.result.toString();
                    assertThat(s).isNotNull();
                } catch (RuntimeException t) {
                    record(findings, e, "toString() of its result threw", t, args);
                }
            }
            return;
        }
        Throwable t = (Throwable) o.result;
        if (t instanceof NullPointerException || t instanceof IndexOutOfBoundsException
                || t instanceof ArithmeticException || t instanceof ClassCastException
                || t instanceof NegativeArraySizeException || t instanceof ArrayStoreException
                || t.getClass() == NumberFormatException.class || t instanceof Error) {
            record(findings, e, "threw", t, args);
        } else if ((t instanceof IllegalArgumentException || t instanceof IllegalStateException)
                && (t.getMessage() == null || t.getMessage().isBlank())) {
            record(findings, e, "threw without a message", t, args);
        }
    }

    private static void record(Map<String, String> findings, Executable e, String what, Throwable t, Object[] args) {
        String key = e.getDeclaringClass().getSimpleName() + "." + e.getName() + " " + t.getClass().getSimpleName();
        if (!findings.containsKey(key) && findings.size() < 60) {
            StackTraceElement top = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
            findings.put(key, e.toGenericString() + " " + what + " " + t + " at " + top + " for "
                    + Stream.of(args).map(FuzzValues::describe).collect(Collectors.joining(", ", "(", ")")));
        }
    }

    /** What one call did: its result, or the throwable it threw (unwrapped). */
    private record Outcome(Object result) {
    }

    private static Outcome call(Executable e, Object receiver, Object[] args) {
        try {
            Object r = e instanceof Method m ? m.invoke(receiver, args) : ((Constructor<?>) e).newInstance(args);
            return new Outcome(r);
        } catch (InvocationTargetException x) {
            return new Outcome(x.getCause());
        } catch (IllegalAccessException | InstantiationException | IllegalArgumentException x) {
            return new Outcome(null); // not callable that way (e.g. an argument of a type we could not make)
        }
    }

    private static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(Paths.get(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        for (Class<?> c : List.of(LoadBalancingPool.class, LoadBalancingInterceptor.class, LbDriver.class)) {
            roots.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        List<Class<?>> out = new ArrayList<>();
        for (Path root : roots) {
            List<String> names = new ArrayList<>();
            if (Files.isDirectory(root)) { // target/classes, when run without packaging
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(p -> p.toString().endsWith(".class")).forEach(p -> names.add(root.relativize(p).toString()));
                }
            } else { // the module's jar, in a reactor build that packaged it
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
                    jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(names::add);
                }
            }
            names.sort(null);
            for (String file : names) {
                String name = file.replace('/', '.').replace('\\', '.').replaceAll("\\.class$", "");
                String pkg = name.substring(0, Math.max(0, name.lastIndexOf('.')));
                if (!PACKAGES.contains(pkg) || name.contains("$") && !name.endsWith("$Builder")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, PublicApiFuzzTest.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.getName().contains("Micrometer")) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
