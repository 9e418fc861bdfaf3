package io.lb4j.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of open routings by name ({@link ReplicaRoutingDataSource#byName}) and their JMX beans
 * ({@link RoutingMXBean}). A second open routing with the same name is not registered (a WARN says so):
 * names are meant to be unique, set them with {@code lb.name} / {@code ReplicaRoutingDataSourceBuilder.name}.
 *
 * <p>Thread-safe.
 */
final class RoutingMBean implements RoutingMXBean {
    private static final Logger log = LoggerFactory.getLogger(RoutingMBean.class);
    private static final Map<String, RoutingMBean> BY_NAME = new ConcurrentHashMap<>();

    private final ReplicaRoutingDataSource ds;
    private final ObjectName objectName;

    private RoutingMBean(ReplicaRoutingDataSource ds, ObjectName objectName) {
        this.ds = ds;
        this.objectName = objectName;
    }

    static ObjectName objectName(String name) {
        try {
            return new ObjectName("io.lb4j.jdbc:type=Routing,name=" + ObjectName.quote(name));
        } catch (Exception e) {
            throw new IllegalArgumentException("no JMX name for routing '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Registers {@code ds} by name and on the platform MBean server; null when the name is taken. */
    static RoutingMBean register(ReplicaRoutingDataSource ds) {
        RoutingMBean bean = new RoutingMBean(ds, objectName(ds.name));
        RoutingMBean prev = BY_NAME.compute(ds.name, (k, old) -> old == null || old.ds.isClosed() ? bean : old);
        if (prev != bean) {
            log.warn("{}: another open routing has this name; it is not registered by name nor over JMX (set a unique lb.name)", ds.name);
            return null;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(bean.objectName)) {
                server.unregisterMBean(bean.objectName); // left by a closed routing of the same name
            }
            server.registerMBean(bean, bean.objectName);
        } catch (Exception | LinkageError e) {
            log.warn("{}: JMX registration as {} failed: {}", ds.name, bean.objectName, e.toString());
        }
        return bean;
    }

    static void unregister(RoutingMBean bean) {
        if (bean == null) {
            return;
        }
        BY_NAME.remove(bean.ds.name, bean);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(bean.objectName)) {
                server.unregisterMBean(bean.objectName);
            }
        } catch (Exception | LinkageError e) {
            log.debug("{}: JMX unregistration failed: {}", bean.ds.name, e.toString());
        }
    }

    static Optional<ReplicaRoutingDataSource> byName(String name) {
        RoutingMBean b = name == null ? null : BY_NAME.get(name);
        return b == null || b.ds.isClosed() ? Optional.empty() : Optional.of(b.ds);
    }

    @Override
    public String getName() {
        return ds.name;
    }

    @Override
    public String getPrimary() {
        Node n = ds.topology.view().primary();
        return n.name() + " (" + n.server.address() + ")";
    }

    @Override
    public String getSplitBrain() {
        String s = ds.splitBrain();
        return s == null ? "" : s;
    }

    @Override
    public String[] getReplicas() {
        return ds.replicaNames().toArray(new String[0]);
    }

    @Override
    public String[] getNodes() {
        List<String> lines = new ArrayList<>();
        for (NodeStats s : ds.stats()) {
            lines.add(s.name() + " role=" + s.role() + " address=" + s.address() + " state=" + s.state() + " probed=" + s.probedRole()
                    + " lag=" + s.lagSeconds() + " inFlight=" + s.inFlight() + " picks=" + s.picks() + " successes=" + s.successes()
                    + " failures=" + s.failures());
        }
        return lines.toArray(new String[0]);
    }

    @Override
    public int getInFlight() {
        int n = 0;
        for (NodeStats s : ds.stats()) {
            n += s.inFlight();
        }
        return n;
    }
}
