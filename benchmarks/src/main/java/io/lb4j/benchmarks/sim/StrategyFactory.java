package io.lb4j.benchmarks.sim;

import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;

import java.util.random.RandomGenerator;

/**
 * Makes a fresh strategy for one simulated pool (a strategy belongs to one pool), with the
 * simulation's seeded random source and virtual clock so that every run is reproducible.
 */
@FunctionalInterface
public interface StrategyFactory {

    /**
     * @param name   the strategy's name, as listed by the catalogue
     * @param random a seeded source for strategies that draw random numbers
     * @param ticker the simulation's virtual clock
     * @return a new strategy instance
     * @throws IllegalArgumentException for an unknown name
     */
    Strategy create(String name, RandomGenerator random, Ticker ticker);
}
