package io.lb4j.okhttp;

import java.net.UnknownHostException;

/**
 * Thrown by {@link LoadBalancingInterceptor#guardDns(okhttp3.Dns)} for a logical host name: a client-side
 * refusal, never a server's failure (a try that ends with it is a drop). Internal.
 */
final class LogicalHostLookupException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    LogicalHostLookupException(String message) {
        super(message);
    }
}
