/**
 * lb4j for OkHttp: {@link io.lb4j.okhttp.LoadBalancingInterceptor} turns logical host names into healthy
 * servers of lb4j pools, with requeues after connect failures and retries on another server under their
 * own {@link io.lb4j.okhttp.RetryBudget}s, layer-7 routes, session persistence, cookies scoped to the
 * logical host (redirects out of the pool refused with {@link io.lb4j.okhttp.RedirectRefusedException}),
 * and {@link io.lb4j.okhttp.HttpHealthCheck} for the pools' active health checks. Runs on OkHttp 5.x
 * ({@code okhttp-jvm}) and OkHttp 4.12 ({@code okhttp}); on 4.12 the client's cookie jar must be
 * {@link io.lb4j.okhttp.LoadBalancingInterceptor#cookieJar(okhttp3.CookieJar)}.
 */
package io.lb4j.okhttp;
