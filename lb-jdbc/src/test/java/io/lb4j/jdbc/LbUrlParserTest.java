package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code jdbc:lb:} grammar of {@link LbUrlParser}; the exact cases of issue 10 (2 and 3) first. */
class LbUrlParserTest {

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

    private static Properties noChecks() {
        return new Properties();
    }

    @Test
    void rawAtAndSlashInAQueryPasswordStayInThePasswordAndNeverBecomeAHost() throws SQLException {
        String url = "jdbc:lb:mysql://127.0.0.1:1/shop?password=Pa55@SECRET/xyz";
        LbUrl u = LbUrl.parse(url, null);
        assertThat(u.hosts).extracting(LbUrl.Host::address).containsExactly("127.0.0.1:1");
        assertThat(u.database).isEqualTo("shop");
        assertThat(u.driverProperties.getProperty("password")).isEqualTo("Pa55@SECRET/xyz");
        ReplicaRoutingDataSource ds = LbDriver.dataSource(url, noChecks());
        assertThat(ds.name()).isEqualTo("lb:127.0.0.1:1");
        assertThat(ds.toString() + ds.stats() + ds.replicaNames() + u + LbUrl.safe(url)).doesNotContain("SECRET");
    }

    @Test
    void forgottenHostAfterTheUserInfoIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> LbDriver.dataSource("jdbc:lb:mysql://app:Pa55-SECRET-xyz", noChecks()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HY024");
                    assertThat(e.getMessage()).isEqualTo("port of host #1 must be a number from 1 to 65535")
                            .doesNotContain("SECRET").doesNotContain("Pa55");
                });
    }

    @Test
    void lostAtBetweenPasswordAndHostIsRefusedNotParsedAsAHostWithColons() {
        assertThatThrownBy(() -> LbDriver.dataSource("jdbc:lb:mysql://app:Pa55-SECRET-xyz127.0.0.1:1/shop", noChecks()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HY024");
                    assertThat(e.getMessage()).startsWith("port of host #1").doesNotContain("SECRET");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:lb:mysql://h1/db?password=a b|character 33 of the URL is white space",
            "jdbc:lb:mysql://h1/db?password=a#b|character 33 of the URL is a raw '#'",
            "jdbc:lb:mysql://h1/db?password=a%zzb|bad percent-encoding in option password",
            "jdbc:lb:mysql://h1/db?password=a%C3b|bad percent-encoding in option password; the bytes are not UTF-8",
            "jdbc:lb:mysql://h1/db?password=a%4|bad percent-encoding in option password",
            "jdbc:lb:mysql://app:x@y@h1/db|more than one raw '@'",
            "jdbc:lb:mysql://:pw@h1/db|the user-info's user is empty",
            "jdbc:lb:mysql://app:pw@h1/db?password=x|option password is given twice",
            "jdbc:lb:mysql://h1/db?a=1&a=2|option a is given twice",
            "jdbc:lb:mysql://h1/db?x@y=1|option #1 has no valid name",
            "jdbc:lb:mysql://h1/db?=1|option #1 has no valid name",
            "jdbc:lb:mysql://h1/d@b|the database holds a raw '@'",
            "jdbc:lb:mysql://h1/d/b|the database holds a raw '/'",
            "jdbc:lb:mysql://h1/d%3Fx%3D1|the database must be 1 to 64",
            "jdbc:lb:mysql://h_1/db|host #1 is not a DNS name",
            "jdbc:lb:mysql://h1,zz::zz/db|port of host #2",
            "jdbc:lb:mysql://h1,[zz::zz]/db|host #2 is not an IPv6 literal",
            "jdbc:lb:mysql://h1,[::1%25eth0]/db|host #2 is not an IPv6 literal",
            "jdbc:lb:mysql://h1,1.2.3.999/db|host #2 is not a DNS name",
            "jdbc:lb:mysql://h1:3306x/db|port of host #1",
            "jdbc:lb:mysql://h1:/db|port of host #1",
            "jdbc:lb:mysql://h1:%33306/db|port of host #1",
            "jdbc:lb:mysql://address=(host=a)(host=b)/db|key host is given twice in host #1",
            "jdbc:lb:mysql://address=(host=a)x/db|bad address in host #1",
            "jdbc:lb:mysql://address=(host=a_b)/db|host #1 is not a DNS name",
            "jdbc:lb:mysql:h1/db|must look like",
            "jdbc:lb:my-sql://h1/db|must look like",
    })
    void refusedNamingThePart(String url, String message) {
        assertThatThrownBy(() -> LbUrl.parse(url, null))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HY024");
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void nonAsciiIsPercentEncodedAndDecodedAsUtf8() throws SQLException {
        LbUrl u = LbUrl.parse("jdbc:lb:mysql://app:p%C3%A9%2B+x@h1/db?x=%26%3D", null);
        assertThat(u.driverProperties.getProperty("password")).isEqualTo("p\u00e9++x");
        assertThat(u.driverProperties.getProperty("x")).isEqualTo("&=");
        assertThatThrownBy(() -> LbUrl.parse("jdbc:lb:mysql://h1/db?x=\u00e9", null)).hasMessageContaining("not ASCII");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:lb:mysql://h1/db?x=1&&y=2&", "jdbc:lb:MySQL://H1.example.,h2:1/db", "jdbc:lb:mysql://h1?x=1",
            "jdbc:lb:mysql://h1/?x=1", "JDBC:LB:mariadb://[::1],[2001:db8::1]:3307", "jdbc:lb:mysql://address=(HOST=[::1])(port=1)(type=PRIMARY)"})
    void validShapesParse(String url) throws SQLException {
        assertThat(LbUrl.parse(url, null).hosts).isNotEmpty();
    }

    @Test
    void queryValuesMayHoldRawAtSlashQuestionMarkColonAndEquals() throws SQLException {
        LbUrl u = LbUrl.parse("jdbc:lb:mysql://h1/db?password=a@b/c?d:e=f&user=u", null);
        assertThat(u.driverProperties.getProperty("password")).isEqualTo("a@b/c?d:e=f");
        assertThat(u.driverProperties.getProperty("user")).isEqualTo("u");
    }

    @Test
    void theDatabaseCannotInjectOptionsIntoTheNodeUrl() throws SQLException {
        assertThatThrownBy(() -> LbUrl.parse("jdbc:lb:mysql://h1/db%3FallowLoadLocalInfile%3Dtrue", null))
                .hasMessageContaining("the database must be");
        LbUrl u = LbUrl.parse("jdbc:lb:mysql://h1/shop_2$-x", null);
        assertThat(u.nodeUrl(u.hosts.get(0))).isEqualTo("jdbc:mysql://h1:3306/shop_2$-x");
    }

    @Test
    void safeShowsOnlyTheParsedFormOrAPlaceholder() {
        assertThat(LbUrl.safe("jdbc:lb:mysql://app:pw1@h1/db?password=x")).contains("not shown");
        assertThat(LbUrl.safe("jdbc:lb:mysql://app:pw1@h1,h2/db?lb.maxLag=5s")).isEqualTo("jdbc:lb:mysql://h1:3306,h2:3306/db {lb.maxLag=5s}");
        assertThat(LbUrl.safe("jdbc:mysql://app:pw1@h1/db")).doesNotContain("pw1");
        assertThat(LbUrl.safe(null)).doesNotContain("null pointer");
    }

    @Test
    void lbOptionValuesAreEscapedInToString() throws SQLException {
        assertThat(LbUrl.parse("jdbc:lb:mysql://h1/db?lb.name=a%0Ab", null).toString()).contains("lb.name=a\\u000ab")
                .doesNotContain("\n");
    }
}
