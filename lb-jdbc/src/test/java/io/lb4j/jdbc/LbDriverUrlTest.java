package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** URL and option handling of {@link LbDriver}; needs no database. */
class LbDriverUrlTest {
    private static final String HOSTS = "jdbc:lb:mysql://p.example:3306,r1.example:3307,r2.example/db";

    @BeforeAll
    static void probesByHand() {
        JdbcInternals.driverManualHealthChecks(true);
    }

    @AfterAll
    static void probesOnScheduleAgain() {
        JdbcInternals.driverManualHealthChecks(false);
    }

    @AfterEach
    void closeRoutings() {
        LbDriver.closeAll();
    }

    @Test
    void isRegisteredWithDriverManagerThroughServiceLoader() throws SQLException {
        Driver d = DriverManager.getDriver("jdbc:lb:mysql://h:3306/db");
        assertThat(d).isInstanceOf(LbDriver.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://h:3306/db", "jdbc:mariadb://h/db", "jdbc:lbx:mysql://h/db", "lb:mysql://h/db", ""})
    void doesNotAcceptOtherUrls(String url) throws SQLException {
        LbDriver driver = new LbDriver();
        assertThat(driver.acceptsURL(url)).isFalse();
        assertThat(driver.connect(url, new Properties())).isNull();
    }

    @Test
    void doesNotAcceptNull() {
        assertThat(new LbDriver().acceptsURL(null)).isFalse();
    }

    @Test
    void firstHostIsThePrimaryAndTheOthersReplicasWithDefaultPort() throws SQLException {
        LbUrl u = LbUrl.parse(HOSTS + "?user=app&password=s3cret&sslMode=DISABLED&lb.strategy=rr", null);
        assertThat(u.hosts).containsExactly(new LbUrl.Host("p.example", 3306, true), new LbUrl.Host("r1.example", 3307, false),
                new LbUrl.Host("r2.example", 3306, false));
        assertThat(u.database).isEqualTo("db");
        assertThat(u.lbOptions).containsExactly(java.util.Map.entry("lb.strategy", "rr"));
        assertThat(u.driverProperties).containsEntry("user", "app").containsEntry("password", "s3cret")
                .containsEntry("sslMode", "DISABLED").doesNotContainKey("lb.strategy");
        assertThat(u.nodeUrl(u.hosts.get(1))).isEqualTo("jdbc:mysql://r1.example:3307/db");
    }

    @Test
    void explicitAddressFormPicksTheTypedPrimaryWhereverItIs() throws SQLException {
        LbUrl u = LbUrl.parse("jdbc:lb:mariadb://address=(host=r1)(port=3307)(type=replica),"
                + "address=(host=p)(port=3306)(type=primary),address=(host=r2)/db", null);
        assertThat(u.hosts).containsExactly(new LbUrl.Host("p", 3306, true), new LbUrl.Host("r1", 3307, false),
                new LbUrl.Host("r2", 3306, false));
        assertThat(u.nodeUrl(u.hosts.get(0))).isEqualTo("jdbc:mariadb://p:3306/db");
    }

    @Test
    void ipv6HostsKeepTheirBrackets() throws SQLException {
        LbUrl u = LbUrl.parse("jdbc:lb:mysql://[::1]:3306,[::1]:3307/db", null);
        assertThat(u.nodeUrl(u.hosts.get(1))).isEqualTo("jdbc:mysql://[::1]:3307/db");
    }

    @Test
    void urlOptionsOverridePropertiesAndLbOptionsMayComeFromProperties() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "fromProps");
        info.setProperty("lb.maxLag", "9s");
        LbUrl u = LbUrl.parse(HOSTS + "?user=fromUrl", info);
        assertThat(u.driverProperties).containsEntry("user", "fromUrl");
        assertThat(u.lbOptions).containsEntry("lb.maxLag", "9s");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:lb:mysql:///db|no host",
            "jdbc:lb:mysql://|no host",
            "jdbc:lb:mysql://?user=a|no host",
            "jdbc:lb:mysql://p:0/db|port of host #1 must be a number from 1 to 65535",
            "jdbc:lb:mysql://p:99999/db|port of host #1",
            "jdbc:lb:mysql://p:abc/db|port of host #1",
            "jdbc:lb:mysql://p,,r/db|host #2 is empty",
            "jdbc:lb:mysql://p:3306,p:3306/db|host #2 repeats host #1",
            "jdbc:lb:postgresql://p/db|unsupported sub-protocol 'postgresql'",
            "jdbc:lb:p/db|must look like",
            "jdbc:lb:mysql://address=(host=a)(type=primary),address=(host=b)(type=primary)/db|2 hosts have type=primary",
            "jdbc:lb:mysql://address=(host=a)(type=leader)/db|type in host #1 must be primary or replica",
            "jdbc:lb:mysql://address=(host=a)(color=red)/db|unknown key in item #2 of host #1",
            "jdbc:lb:mysql://address=(port=1)/db|no host",
            "jdbc:lb:mysql://[::1/db|unclosed '['",
    })
    void badUrlsFailClearly(String url, String message) {
        assertThatThrownBy(() -> new LbDriver().connect(url, new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lb.stratgy=rr|unknown option lb.stratgy",
            "lb.strategy=no-such-thing|lb.strategy=no-such-thing is invalid",
            "lb.maxLag=fast|lb.maxLag=fast is invalid",
            "lb.maxLag=-5s|lb.maxLag=-5s is invalid",
            "lb.maxLag=2d|lb.maxLag=2d is invalid",
            "lb.replicationCheck=yes|lb.replicationCheck=yes is invalid: allowed true or false",
            "lb.readFromPrimaryWhenNoReplicas=1|lb.readFromPrimaryWhenNoReplicas=1 is invalid",
            "lb.readYourWrites=always|lb.readYourWrites=always is invalid: allowed off, session",
            "lb.readYourWrites=0s|lb.readYourWrites=0s is invalid",
            "lb.readYourWritesScope=global|lb.readYourWritesScope=global is invalid",
            "lb.readYourWritesTimeout=1s|lb.readYourWritesTimeout is only valid with lb.readYourWrites=session",
            "lb.readYourWrites=session&lb.readYourWritesTimeout=2h|lb.readYourWritesTimeout=2h is invalid",
            "lb.checkInterval=0ms|lb.checkInterval=0ms is invalid",
            "lb.checkInterval=soon|lb.checkInterval=soon is invalid",
            "lb.checkTimeout=2h|lb.checkTimeout=2h is invalid",
            "lb.rise=0|lb.rise=0 is invalid",
            "lb.fall=many|lb.fall=many is invalid: allowed a whole number",
            "lb.maxFails=-1|lb.maxFails/lb.failTimeout=-1",
            "lb.failTimeout=0s|lb.maxFails/lb.failTimeout",
            "lb.maxEjectionPercent=101|lb.maxEjectionPercent=101 is invalid",
            "lb.scheduleHealthChecks=false|unknown option lb.scheduleHealthChecks",
            "lb.name=|lb.name= is invalid",
    })
    void badOptionsFailNamingTheOption(String query, String message) {
        String url = HOSTS + "?user=app&password=TopSecret99&" + query;
        assertThatThrownBy(() -> new LbDriver().connect(url, new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TopSecret99"));
    }

    @Test
    void durationsAcceptUnitsBareSecondsAndIso() throws SQLException {
        assertThat(LbOptions.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LbOptions.duration("x", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(LbOptions.duration("x", "7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(LbOptions.duration("x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(LbOptions.duration("x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(LbOptions.duration("x", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void validUrlBuildsARoutingWithoutTouchingTheNetworkAndHidesThePassword() throws SQLException {
        String url = "jdbc:lb:mysql://app:PwInUserInfo@p.invalid:3306,r1.invalid:3306/db?sslMode=DISABLED"
                + "&lb.strategy=rr&lb.maxLag=5s&lb.readYourWrites=2s";
        ReplicaRoutingDataSource ds = LbDriver.dataSource(url, new Properties());
        assertThat(ds.replicaNames()).containsExactly("r1.invalid:3306");
        assertThat(ds.toString()).doesNotContain("PwInUserInfo").contains("p.invalid:3306");
        assertThat(LbUrl.safe(url)).doesNotContain("PwInUserInfo").contains("p.invalid:3306");
        assertThat(LbDriver.dataSource(url, new Properties())).isSameAs(ds);
    }

    @Test
    void primaryOnlyUrlIsAccepted() throws SQLException {
        ReplicaRoutingDataSource ds = LbDriver.dataSource("jdbc:lb:mysql://p.invalid/db", null);
        assertThat(ds.replicaNames()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:lb:mysql://app:s3cr?etPW@h1.invalid/db?lb.strategy=rr|s3cr",
        "jdbc:lb:mysql://app:s3cr/etPW@h1.invalid/db?lb.strategy=rr|s3cr",
        "jdbc:lb:mysql://app:s3cr@et@h1.invalid/db?lb.strategy=rr|s3cr",
        "jdbc:lb:app:s3cret@h1/db?x=http://y|s3cret",
        "jdbc:lb:mysql://app:s3cret@h1.invalid:99999/db|s3cret",
        "jdbc:lb:mysql://app:s3cret@h1.invalid,,h2/db|s3cret",
        "jdbc:lb:mysql://app:s3cr/etPW@h1.invalid|s3cr",
        "jdbc:lb:mysql://h1.invalid/db?password=s3cr@etPW|etPW",
    })
    void secretInTheUrlAppearsInNoMessageAndNoName(String url, String secret) {
        assertThat(LbUrl.safe(url)).doesNotContain(secret);
        try {
            ReplicaRoutingDataSource ds = LbDriver.dataSource(url, new Properties());
            assertThat(ds.toString()).doesNotContain(secret);
            assertThat(ds.name()).doesNotContain(secret);
            assertThat(ds.replicaNames().toString()).doesNotContain(secret);
        } catch (SQLException e) {
            assertThat(e.getMessage()).doesNotContain(secret);
            assertThat(e.getSQLState()).isEqualTo("HY024");
        }
    }

    @Test
    void percentEncodedSlashQuestionMarkAndAtInThePasswordStayInThePassword() throws SQLException {
        LbUrl u = LbUrl.parse("jdbc:lb:mysql://app:4711%2FetPW@h1:3306/db", null);
        assertThat(u.hosts).extracting(LbUrl.Host::address).containsExactly("h1:3306");
        assertThat(u.database).isEqualTo("db");
        assertThat(u.driverProperties.getProperty("user")).isEqualTo("app");
        assertThat(u.driverProperties.getProperty("password")).isEqualTo("4711/etPW");
        assertThat(u.toString()).doesNotContain("etPW");

        LbUrl v = LbUrl.parse("jdbc:lb:mysql://app:s3cr%3Fe%40tPW:x@h1,h2:3307/db?x=1", null);
        assertThat(v.driverProperties.getProperty("password")).isEqualTo("s3cr?e@tPW:x");
        assertThat(v.hosts).extracting(LbUrl.Host::address).containsExactly("h1:3306", "h2:3307");
        assertThat(v.driverProperties.getProperty("x")).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:lb:mysql://app:4711/etPW@h1:3306/db", "jdbc:lb:mysql://app:s3cr?e@tPW@h1,h2:3307/db?x=1",
            "jdbc:lb:mysql://app:s3cr@e@h1/db"})
    void rawSlashQuestionMarkOrAtInThePasswordIsRefused(String url) {
        assertThatThrownBy(() -> LbUrl.parse(url, null)).isInstanceOf(SQLException.class)
                .hasMessageNotContaining("etPW").hasMessageNotContaining("4711").hasMessageNotContaining("s3cr");
    }

    @Test
    void unsupportedSubProtocolIsQuotedOnlyWhenItIsAPlainToken() {
        assertThatThrownBy(() -> LbUrl.parse("jdbc:lb:postgresql://h1/db", null)).hasMessageContaining("'postgresql'");
        assertThatThrownBy(() -> LbUrl.parse("jdbc:lb:app:s3cret@h1/db?x=http://y", null))
                .hasMessageStartingWith("the URL must look like").hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "lb.failTimeout=PT2562047788015H", "lb.checkInterval=PT2562047788015H", "lb.checkTimeout=P999999999D",
        "lb.maxLag=PT9999999999999H", "lb.readYourWrites=PT2562047788015H",
        "lb.readYourWrites=session&lb.readYourWritesTimeout=PT2562047788015H", "lb.checkTimeout=PT9999999999999999999999H", "lb.failTimeout=999999999h",
    })
    void hugeDurationsFailAsSqlExceptionNamingTheOptionNotArithmetic(String option) {
        String name = option.substring(option.lastIndexOf('&') + 1, option.lastIndexOf('='));
        assertThatThrownBy(() -> LbDriver.dataSource("jdbc:lb:mysql://p.invalid/db?" + option, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("1 day")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY024");
    }

    @Test
    void oneDayIsTheLongestDurationAccepted() throws SQLException {
        assertThat(LbDriver.dataSource("jdbc:lb:mysql://p.invalid/db?lb.failTimeout=24h", null)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "dh", "hash", "ip_hash", "lblc", "lblcr", "source-hash", "destination-hash", "LBLC"})
    void keyBasedStrategiesAreRefusedBecauseJdbcReadsHaveNoKey(String strategy) {
        assertThatThrownBy(() -> LbDriver.dataSource("jdbc:lb:mysql://p.invalid,r.invalid/db?lb.strategy="
                + strategy, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("lb.strategy=" + strategy)
                .hasMessageContaining("request key")
                .hasMessageContaining("least-connections");
        assertThatThrownBy(() -> ReplicaRoutingDataSource.builder().strategy(io.lb4j.algorithms.Strategies.byName(strategy)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request key");
    }
}
