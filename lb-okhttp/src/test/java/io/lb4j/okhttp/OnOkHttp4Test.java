package io.lb4j.okhttp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which OkHttp the suite runs on, so that a class-path mistake cannot make both Surefire executions test
 * OkHttp 5: lb-okhttp's default execution runs every test on OkHttp 5, its on-okhttp-4 execution (system
 * property {@code lb4j.onOkHttp4}) the same tests on OkHttp 4.12's jar instead of okhttp-jvm.
 */
class OnOkHttp4Test {

    @Test
    void theExecutionRunsOnTheOkHttpItSays() {
        if (Boolean.getBoolean("lb4j.onOkHttp4")) {
            assertThat(OkHttpSupport.version()).startsWith("4.12.");
            assertThat(StubServer.onOkHttp4()).isTrue();
        } else {
            assertThat(OkHttpSupport.version()).startsWith("5.");
            assertThat(StubServer.onOkHttp4()).isFalse();
        }
    }

    @Test
    void cookiesAreScopedThroughTheChainOnlyWhereOkHttpHasIt() {
        assertThat(CookieScope.forThisOkHttp())
                .isEqualTo(Boolean.getBoolean("lb4j.onOkHttp4") ? CookieScope.THREAD : CookieScope.CHAIN);
    }
}
