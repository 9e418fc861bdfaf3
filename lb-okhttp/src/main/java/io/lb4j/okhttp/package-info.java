/**
 * lb4j for OkHttp: {@link io.lb4j.okhttp.LoadBalancingInterceptor} turns logical host names into healthy
 * servers of lb4j pools, with retries on another server under a {@link io.lb4j.okhttp.RetryBudget},
 * layer-7 routes, session persistence, and {@link io.lb4j.okhttp.HttpHealthCheck} for the pools' active
 * health checks.
 */
package io.lb4j.okhttp;
