package io.lb4j.discovery;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.config.NginxConfigException;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileServerSourceTest {
    static final String TWO = "upstream backend {\n    server 10.0.0.1:8080;\n    server 10.0.0.2:8080 weight=2;\n"
            + "    server 10.0.0.9:8080 down;\n}\n";
    static final String THREE = "upstream backend {\n    server 10.0.0.1:8080;\n    server 10.0.0.2:8080 weight=2;\n"
            + "    server 10.0.0.3:8080;\n}\n";

    @TempDir
    Path dir;
    private final ManualTicker ticker = new ManualTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Writes a sibling temp file and renames it over the target, as editors and config managers do. */
    private void replaceAtomically(Path target, String content) throws IOException {
        Path tmp = Files.writeString(dir.resolve("." + target.getFileName() + ".tmp"), content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private FileServerSource polled(Path file) {
        return closing(FileServerSource.nginx(file).watch(false).scheduler(scheduler).build());
    }

    private static List<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).toList();
    }

    @Test
    void theFirstReadIsDeliveredAndDownServersAreLeftOut() throws IOException {
        FileServerSource source = polled(write("upstream.conf", TWO));
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        assertThat(r.lists).hasSize(1);
        assertThat(ids(r.last())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(r.last().get(1).weight()).isEqualTo(2);
    }

    @Test
    void aPollDeliversAnEditAndNothingWhenTheFileIsUnchanged() throws IOException {
        Path file = write("upstream.conf", TWO);
        FileServerSource source = polled(file);
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);
        assertThat(r.lists).hasSize(1);

        Files.writeString(file, THREE);
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);

        assertThat(r.lists).hasSize(2);
        assertThat(ids(r.last())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    }

    @Test
    void aBadEditKeepsTheLastGoodListAndReportsLineAndColumn() throws IOException {
        Path file = write("upstream.conf", TWO);
        FileServerSource source = polled(file);
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        Files.writeString(file, "upstream backend {\n    server 10.0.0.1:8080 wieght=2;\n}\n");
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);

        assertThat(r.lists).hasSize(1);
        assertThat(r.failures).hasSize(1);
        assertThat(r.failures.get(0)).isInstanceOfSatisfying(NginxConfigException.class, e -> {
            // the column is NginxUpstream's to decide; the line is the one edited
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.column()).isPositive();
        });

        Files.writeString(file, THREE);
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);
        assertThat(ids(r.last())).hasSize(3);
    }

    @Test
    void aDeletedFileIsAFailureNotAnEmptyList() throws IOException {
        Path file = write("upstream.conf", TWO);
        FileServerSource source = polled(file);
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        Files.delete(file);
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);

        assertThat(r.lists).hasSize(1);
        assertThat(r.failures).singleElement().satisfies(e -> assertThat(e).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString()));

        Files.writeString(file, TWO);
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);
        assertThat(r.lists).hasSize(2);
    }

    @Test
    void refreshDeliversTheListEvenWhenUnchanged() throws IOException {
        FileServerSource source = polled(write("upstream.conf", TWO));
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        source.refresh();
        scheduler.runDue();

        assertThat(r.lists).hasSize(2);
        assertThat(r.lists.get(1)).isEqualTo(r.lists.get(0));
    }

    @Test
    void theWatchServiceDeliversAnInPlaceWriteWithoutWaitingForThePoll() throws Exception {
        Path file = write("upstream.conf", TWO);
        FileServerSource source = closing(FileServerSource.nginx(file).pollInterval(Duration.ofHours(1)).build());
        assertThat(source.watching()).isTrue();
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        Files.writeString(file, THREE);

        r.await(() -> r.last().size() == 3, "the edit to arrive through the watch service");
    }

    @Test
    void theWatchServiceDeliversAnAtomicRename() throws Exception {
        Path file = write("servers.txt", "10.0.0.1:8080\n");
        FileServerSource source = closing(FileServerSource.serverList(file).pollInterval(Duration.ofHours(1)).build());
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        replaceAtomically(file, "10.0.0.1:8080\n10.0.0.2:8080 weight=5\n");
        r.await(() -> r.last().size() == 2, "the renamed file to arrive");
        replaceAtomically(file, "10.0.0.2:8080 weight=5\n");
        r.await(() -> r.last().size() == 1, "the second rename to arrive");

        assertThat(ids(r.last())).containsExactly("10.0.0.2:8080");
    }

    @Test
    void theWatchServiceSeesAConfigMapStyleSymlinkSwap() throws Exception {
        // the layout of a Kubernetes ConfigMap volume: servers.txt -> ..data/servers.txt, ..data -> ..v1
        Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(dir.resolve("..v1/servers.txt"), "10.0.0.1:8080\n");
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
        Path file = Files.createSymbolicLink(dir.resolve("servers.txt"), Path.of("..data/servers.txt"));
        FileServerSource source = closing(FileServerSource.serverList(file).pollInterval(Duration.ofHours(1)).build());
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        Files.createDirectory(dir.resolve("..v2"));
        Files.writeString(dir.resolve("..v2/servers.txt"), "10.0.0.1:8080\n10.0.0.2:8080\n");
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

        r.await(() -> r.last().size() == 2, "the swapped ConfigMap content to arrive");
    }

    @Test
    void pollingAloneSeesAnAtomicRename() throws IOException {
        Path file = write("upstream.conf", TWO);
        FileServerSource source = polled(file);
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        replaceAtomically(file, THREE);
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL);

        assertThat(ids(r.last())).hasSize(3);
    }

    @Test
    void aPoolFollowsTheFileAndKeepsItsServersThroughABadEdit() throws IOException {
        Path file = write("servers.txt", "10.0.0.1:8080\n10.0.0.2:8080\n");
        FileServerSource source = closing(FileServerSource.serverList(file).watch(false).scheduler(scheduler).build());
        LoadBalancingPool pool = closing(LoadBalancingPool.builder("files").strategy(Strategies.byName("round-robin"))
                .ticker(ticker).build());
        closing(PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker).bind());
        scheduler.runDue();
        assertThat(ids(pool.servers())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");

        Files.writeString(file, "10.0.0.1:8080\n10.0.0.2:8080\n10.0.0.3:8080\n");
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL.plus(BinderConfig.DEFAULT_SETTLE_DELAY));
        assertThat(ids(pool.servers())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");

        Files.writeString(file, "10.0.0.1:8080\n10.0.0.2:8080 weigth=2\n");
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL.plus(BinderConfig.DEFAULT_SETTLE_DELAY));
        Files.writeString(file, "");
        scheduler.advance(FileServerSource.DEFAULT_POLL_INTERVAL.plus(BinderConfig.DEFAULT_SETTLE_DELAY));

        assertThat(ids(pool.servers())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    }

    @Test
    void aMissingOrMalformedFileFailsTheBuild() throws IOException {
        assertThatThrownBy(() -> FileServerSource.nginx(dir.resolve("nope.conf")).watch(false).scheduler(scheduler).build())
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.conf");
        Path bad = write("bad.conf", "upstream x {\n  server a:80\n}\n");
        assertThatThrownBy(() -> FileServerSource.nginx(bad).watch(false).scheduler(scheduler).build())
                .isInstanceOf(NginxConfigException.class).hasMessageStartingWith("line ");
        assertThatThrownBy(() -> FileServerSource.nginx(bad).pollInterval(Duration.ZERO))
                .hasMessage("pollInterval must be in [PT0.01S, PT1H], was PT0S");
        assertThatThrownBy(() -> FileServerSource.serverList(null)).hasMessage("file must not be null");
    }
}
