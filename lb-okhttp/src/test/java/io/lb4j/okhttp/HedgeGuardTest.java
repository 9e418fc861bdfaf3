package io.lb4j.okhttp;

import okhttp3.Call;
import okhttp3.CookieJar;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HedgeGuard#confine}: how a hedge call factory is derived. */
class HedgeGuardTest {
    @Test
    void aCallFactoryThatIsNotAnOkHttpClientIsUsedAsItIs() {
        Call.Factory factory = request -> {
            throw new UnsupportedOperationException();
        };

        assertThat(HedgeGuard.confine(factory, CookieScope.THREAD, "lb")).isSameAs(factory);
    }

    @Test
    void anOkHttpClientIsDerivedWithTheGuardAsItsLastApplicationInterceptor() {
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(chain -> chain.proceed(chain.request())).build();

        OkHttpClient confined = (OkHttpClient) HedgeGuard.confine(client, CookieScope.forThisOkHttp(), "lb");

        assertThat(confined).isNotSameAs(client);
        assertThat(confined.interceptors()).hasSize(2);
        assertThat(confined.interceptors().get(0)).isSameAs(client.interceptors().get(0));
        assertThat(confined.interceptors().get(1).getClass().getName()).endsWith("HedgeGuard$Guard");
    }

    @Test
    void theDerivedClientSharesTheConnectionPoolAndDispatcherAndWrapsTheJar() {
        OkHttpClient client = new OkHttpClient.Builder().cookieJar(CookieJar.NO_COOKIES).build();

        OkHttpClient confined = (OkHttpClient) HedgeGuard.confine(client, CookieScope.forThisOkHttp(), null);

        assertThat(confined.connectionPool()).isSameAs(client.connectionPool());
        assertThat(confined.dispatcher()).isSameAs(client.dispatcher());
        assertThat(confined.cookieJar()).isInstanceOf(CookieScope.ScopedCookieJar.class);
        assertThat(CookieScope.ScopedCookieJar.unwrap(confined.cookieJar())).isSameAs(CookieJar.NO_COOKIES);
    }
}
