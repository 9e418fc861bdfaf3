package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The machinery shared by {@link DestinationHash} and {@link SourceHash}: builds a {@link MaglevTable}
 * or a {@link KetamaRing} over the eligible endpoints and wraps it in a picker.
 *
 * <p>Without a hash key, a picker draws a random key from the injected {@link RandomGenerator} and
 * looks it up: a weighted random pick in proportion to each server's share of the table or ring.
 *
 * <p>Stateless and thread-safe.
 */
final class ConsistentHashing {
    private ConsistentHashing() {
    }

    static Picker newPicker(String strategy, HashingConfig config, RandomGenerator random,
                            List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.checkedArray(strategy, endpoints);
        if (array.length == 1) {
            return new SinglePicker(array[0]);
        }
        if (config.table() == HashingConfig.Table.MAGLEV) {
            return new MaglevPicker(MaglevTable.build(array, config.maglevTableSize()), random);
        }
        return new KetamaPicker(KetamaRing.build(array, config.ketamaPointsPerWeight(), config.ketamaMaxPoints()),
                random);
    }

    static void checkContext(PickContext context) {
        if (context == null) {
            throw new IllegalArgumentException("context must not be null (use PickContext.none())");
        }
    }

    /** One endpoint: every key maps to it. */
    static final class SinglePicker implements Picker {
        private final Endpoint endpoint;

        SinglePicker(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public Endpoint pick(PickContext context) {
            checkContext(context);
            return endpoint;
        }

        @Override
        public String toString() {
            return "SinglePicker[" + endpoint.server().id() + "]";
        }
    }

    /** Maglev: {@code table[keyHash mod M]}. */
    static final class MaglevPicker implements Picker {
        private final MaglevTable table;
        private final RandomGenerator random;

        MaglevPicker(MaglevTable table, RandomGenerator random) {
            this.table = table;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            checkContext(context);
            if (context.hasHashKey()) {
                return table.lookup(context.keyHash());
            }
            return table.slotOwner(random.nextInt(table.size()));
        }

        MaglevTable table() {
            return table;
        }

        @Override
        public String toString() {
            return "MaglevPicker[slots=" + table.size() + "]";
        }
    }

    /** Ketama: the first ring point at or after the key's hash. */
    static final class KetamaPicker implements Picker {
        private final KetamaRing ring;
        private final RandomGenerator random;

        KetamaPicker(KetamaRing ring, RandomGenerator random) {
            this.ring = ring;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            checkContext(context);
            return ring.lookup(context.hasHashKey() ? context.keyHash() : random.nextLong());
        }

        KetamaRing ring() {
            return ring;
        }

        @Override
        public String toString() {
            return "KetamaPicker[points=" + ring.size() + "]";
        }
    }
}
