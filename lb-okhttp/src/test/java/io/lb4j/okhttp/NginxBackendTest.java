package io.lb4j.okhttp;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link NginxBackend} fixture against the real nginx: what it answers, which processes it runs, and what
 * {@code kill -9} of each of them really does.
 */
class NginxBackendTest {
    @TempDir
    Path dir;
    private final List<NginxBackend> backends = new ArrayList<>();
    private final OkHttpClient direct = new OkHttpClient.Builder().retryOnConnectionFailure(false)
            .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();

    @AfterEach
    void killAll() throws IOException {
        IOException first = null;
        for (NginxBackend b : backends) {
            try {
                b.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        direct.connectionPool().evictAll();
        if (first != null) {
            throw first;
        }
    }

    private NginxBackend start(String name) throws IOException {
        NginxBackend b = NginxBackend.start(dir, name);
        backends.add(b);
        return b;
    }

    private String get(NginxBackend b, String path) throws IOException {
        try (Response r = direct.newCall(new Request.Builder().url("http://" + b.address() + path).build()).execute()) {
            return r.code() + " " + r.body().string();
        }
    }

    @Test
    void answersItsNameHealthAndA503() throws IOException {
        NginxBackend a = start("a");

        assertThat(get(a, "/items/1")).isEqualTo("200 a\n");
        assertThat(get(a, NginxBackend.HEALTH_PATH)).isEqualTo("200 ok\n");
        assertThat(get(a, NginxBackend.FAIL_PATH)).isEqualTo("503 a unavailable\n");
    }

    @Test
    void runsAMasterFromThePidFileWithOneWorkerChild() throws IOException {
        NginxBackend a = start("a");

        long master = a.masterPid();
        List<Long> workers = a.workerPids();

        assertThat(workers).hasSize(1).doesNotContain(master);
        assertThat(ProcessHandle.of(workers.get(0)).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .contains(master);
    }

    @Test
    void kill9EndsMasterWithSigkillAndWorkerAndThePortRefuses() throws IOException {
        NginxBackend a = start("a");
        long worker = a.workerPids().get(0);

        a.kill9();

        assertThat(a.masterAlive()).isFalse();
        assertThat(a.masterExitValue()).isEqualTo(128 + 9); // the JDK's status for "killed by signal 9"
        assertThat(NginxBackend.alive(worker)).isFalse();
        assertThatThrownBy(() -> get(a, "/")).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aWorkerKilledAloneIsReplacedByTheMasterWhichLogsSignal9() throws IOException {
        NginxBackend a = start("a");

        long killed = a.kill9Workers().get(0);

        NginxTestBase.await("the master to log its worker's death",  // it logs after reaping it
                () -> a.errorLog().contains("worker process " + killed + " exited on signal 9"));
        assertThat(get(a, "/")).isEqualTo("200 a\n"); // the master still listens; its new worker answers
        assertThat(a.workerPids()).hasSize(1).doesNotContain(killed);
    }

    @Test
    void withOnlyTheMasterKilledTheOrphanedWorkerKeepsServing() throws IOException {
        NginxBackend a = start("a");

        List<Long> orphans = a.kill9MasterOnly();

        assertThat(a.masterExitValue()).isEqualTo(128 + 9);
        assertThat(orphans).hasSize(1).allMatch(NginxBackend::alive);
        assertThat(get(a, "/")).isEqualTo("200 a\n");
    }

    @Test
    void restartWhileAnOrphanedWorkerHoldsThePortFailsWithNginxsBindError() throws IOException {
        NginxBackend a = start("a");
        a.kill9MasterOnly();

        assertThatThrownBy(a::restart).isInstanceOf(IOException.class)
                .hasMessageContaining("bind() to " + a.address() + " failed")
                .hasMessageContaining("Address already in use");
    }

    @Test
    void restartServesAgainOnTheSamePortWithNewProcesses() throws IOException {
        NginxBackend a = start("a");
        int port = a.port();
        long oldMaster = a.masterPid();
        a.kill9();

        a.restart();

        assertThat(a.port()).isEqualTo(port);
        assertThat(a.masterPid()).isNotEqualTo(oldMaster);
        assertThat(get(a, "/")).isEqualTo("200 a\n");
    }
}
