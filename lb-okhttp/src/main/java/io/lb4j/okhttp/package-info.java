/**
 * lb4j for OkHttp: {@link io.lb4j.okhttp.LoadBalancingInterceptor} turns logical host names into healthy
 * servers of lb4j pools, with requeues after connect failures and retries on another server under their
 * own {@link io.lb4j.okhttp.RetryBudget}s, layer-7 routes, session persistence, cookies scoped to the
 * logical host (redirects out of the pool refused with {@link io.lb4j.okhttp.RedirectRefusedException}),
 * and {@link io.lb4j.okhttp.HttpHealthCheck} for the pools' active health checks.
 */
package io.lb4j.okhttp;
