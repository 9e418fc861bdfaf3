/**
 * <b>Internal, not API:</b> {@link io.lb4j.jdbc.internal.JdbcInternals}, the hooks lb4j's own test suites use to
 * run a routing's probes by hand. Anything here may change or disappear in any release.
 */
package io.lb4j.jdbc.internal;
