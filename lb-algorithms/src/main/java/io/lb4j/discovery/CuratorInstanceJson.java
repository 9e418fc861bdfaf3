package io.lb4j.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.InstanceSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the JSON of curator-x-discovery's {@link ServiceInstance}, the node content under
 * {@code basePath/serviceName/instanceId}, with the instance's metadata as payload.
 *
 * <pre>{@code
 * {"name":"orders","id":"6f1c...","address":"10.0.0.7","port":8080,"sslPort":null,
 *  "payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance",
 *             "id":"orders-1","name":"orders","metadata":{"zone":"eu-1a","instance_status":"UP"}},
 *  "registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":null,"enabled":true}
 * }</pre>
 *
 * Reading takes the payload's {@code metadata} object when it has one (Spring Cloud Zookeeper's
 * {@code ZookeeperInstance}), else the payload's own scalar fields; {@code @class} is never used. This is
 * deliberate: Curator's own {@code JsonInstanceSerializer} instantiates whatever class {@code @class} names
 * (Jackson polymorphic typing on data from the registry) and fails on classes it does not have, such as
 * Spring's. Writing produces Spring Cloud Zookeeper's layout, so Spring applications discover the instance.
 *
 * <p>Stateless and thread-safe.
 */
final class CuratorInstanceJson implements InstanceSerializer<Map<String, String>> {
    /** Spring Cloud Zookeeper's payload class, written so that Spring readers accept the instance. */
    static final String SPRING_PAYLOAD_CLASS = "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance";
    /** Largest node content read: ZooKeeper's own default {@code jute.maxbuffer} is 1 MiB; instances are tiny. */
    static final int MAX_BYTES = 64 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public byte[] serialize(ServiceInstance<Map<String, String>> instance) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", instance.getName());
        root.put("id", instance.getId());
        root.put("address", instance.getAddress());
        root.put("port", instance.getPort());
        root.put("sslPort", instance.getSslPort());
        ObjectNode payload = root.putObject("payload");
        payload.put("@class", SPRING_PAYLOAD_CLASS);
        payload.put("id", instance.getId());
        payload.put("name", instance.getName());
        ObjectNode metadata = payload.putObject("metadata");
        Map<String, String> meta = instance.getPayload();
        if (meta != null) {
            meta.forEach(metadata::put);
        }
        root.put("registrationTimeUTC", instance.getRegistrationTimeUTC());
        root.put("serviceType", instance.getServiceType().name());
        root.putNull("uriSpec");
        root.put("enabled", instance.isEnabled());
        return MAPPER.writeValueAsBytes(root);
    }

    @Override
    public ServiceInstance<Map<String, String>> deserialize(byte[] bytes) throws Exception {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("instance JSON of " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        JsonNode root = MAPPER.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("instance JSON must be an object, was: " + preview(bytes));
        }
        String name = text(root, "name");
        String id = text(root, "id");
        String address = text(root, "address");
        Integer port = integer(root, "port");
        Integer sslPort = integer(root, "sslPort");
        JsonNode enabled = root.get("enabled");
        JsonNode type = root.get("serviceType");
        ServiceType serviceType = type != null && type.isTextual() ? ServiceType.valueOf(type.asText()) : ServiceType.DYNAMIC;
        JsonNode time = root.get("registrationTimeUTC");
        return new ServiceInstance<>(name, id, address, port, sslPort, metadata(root.get("payload")),
                time != null && time.canConvertToLong() ? time.asLong() : 0L, serviceType, null,
                enabled == null || enabled.isNull() || enabled.asBoolean(true));
    }

    private static Map<String, String> metadata(JsonNode payload) {
        Map<String, String> out = new LinkedHashMap<>();
        if (payload == null || !payload.isObject()) {
            return out;
        }
        JsonNode source = payload.get("metadata") != null && payload.get("metadata").isObject() ? payload.get("metadata") : payload;
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("@class") && e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Integer integer(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isInt()) {
            throw new IllegalArgumentException(field + " must be an integer, was " + n);
        }
        return n.intValue();
    }

    private static String preview(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 80), StandardCharsets.UTF_8);
        return bytes.length > 80 ? s + "..." : s;
    }
}
