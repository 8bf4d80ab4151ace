/*
 * cload: a load client built on the installed libvirt C library, so the comparison runner measures libvirt's own
 * client next to ours. Driven by bench/Compare over stdin/stdout:
 *
 *   cload URI MODE THREADS SECONDS [VOLUME_BYTES]
 *
 * It connects (except in "openclose" mode), warms up, prints "READY", waits for a line on stdin, runs MODE for
 * SECONDS on THREADS threads that share one connection, prints
 *   "RESULT calls=N seconds=S bytes=B user=U sys=S"
 * (user/sys: this process's CPU seconds during the measured window, from getrusage) and exits when stdin closes,
 * so the runner can read /proc/PID/stat while the process still exists.
 *
 * Modes: version (virConnectGetLibVersion), listall (virConnectListAllDomains), getinfo (virDomainGetInfo on
 * domain "test"), openclose (virConnectOpen + virConnectClose), download (virStorageVolDownload of volume
 * "bench.img" in pool "default-pool", VOLUME_BYTES long), screenshot (virDomainScreenshot of "test", read to end).
 */
#define _GNU_SOURCE
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadrun.h"

enum mode { M_VERSION, M_LISTALL, M_GETINFO, M_OPENCLOSE, M_DOWNLOAD, M_SCREENSHOT };

static const char *uri;
static enum mode mode;
static virConnectPtr conn;
static virDomainPtr dom;
static virStorageVolPtr vol;
static unsigned long long volume_bytes;
static atomic_int stop_flag;
static atomic_int failed;
static char stream_buffer[262144];

struct worker {
    pthread_t thread;
    unsigned long long calls;
    unsigned long long bytes;
};

static void fail(const char *what)
{
    virErrorPtr error = virGetLastError();
    fprintf(stderr, "cload: %s failed: %s\n", what, error && error->message ? error->message : "unknown error");
    atomic_store(&failed, 1);
    atomic_store(&stop_flag, 1);
}

/* Reads a stream to its end; returns the byte count or -1. */
static long long drain(virStreamPtr stream)
{
    long long total = 0;
    for (;;) {
        int got = virStreamRecv(stream, stream_buffer, sizeof(stream_buffer));
        if (got < 0) {
            virStreamAbort(stream);
            return -1;
        }
        if (got == 0)
            break;
        total += got;
    }
    if (virStreamFinish(stream) < 0)
        return -1;
    return total;
}

/* One unit of work; returns the bytes moved (0 for plain calls) or -1 on failure. */
static long long one_call(void)
{
    switch (mode) {
    case M_VERSION: {
        unsigned long version;
        return virConnectGetLibVersion(conn, &version) < 0 ? -1 : 0;
    }
    case M_LISTALL: {
        virDomainPtr *domains = NULL;
        int n = virConnectListAllDomains(conn, &domains, 0);
        if (n < 0)
            return -1;
        for (int i = 0; i < n; i++)
            virDomainFree(domains[i]);
        free(domains);
        return 0;
    }
    case M_GETINFO: {
        virDomainInfo info;
        return virDomainGetInfo(dom, &info) < 0 ? -1 : 0;
    }
    case M_OPENCLOSE: {
        virConnectPtr c = virConnectOpen(uri);
        if (!c)
            return -1;
        virConnectClose(c);
        return 0;
    }
    case M_DOWNLOAD: {
        virStreamPtr stream = virStreamNew(conn, 0);
        if (!stream)
            return -1;
        long long got = -1;
        if (virStorageVolDownload(vol, stream, 0, volume_bytes, 0) == 0)
            got = drain(stream);
        virStreamFree(stream);
        return got;
    }
    case M_SCREENSHOT: {
        virStreamPtr stream = virStreamNew(conn, 0);
        if (!stream)
            return -1;
        long long got = -1;
        char *mime = virDomainScreenshot(dom, stream, 0, 0);
        if (mime) {
            free(mime);
            got = drain(stream);
        }
        virStreamFree(stream);
        return got;
    }
    }
    return -1;
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        long long moved = one_call();
        if (moved < 0) {
            fail("call");
            break;
        }
        w->calls++;
        w->bytes += (unsigned long long)moved;
    }
    return NULL;
}

static void silent_errors(void *data, virErrorPtr error)
{
    (void)data;
    (void)error;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: cload URI version|listall|getinfo|openclose|download|screenshot THREADS SECONDS [VOLUME_BYTES]\n");
        return 2;
    }
    uri = argv[1];
    const char *name = argv[2];
    int threads = atoi(argv[3]);
    double seconds = atof(argv[4]);
    volume_bytes = argc > 5 ? strtoull(argv[5], NULL, 10) : 0;
    if (!strcmp(name, "version")) mode = M_VERSION;
    else if (!strcmp(name, "listall")) mode = M_LISTALL;
    else if (!strcmp(name, "getinfo")) mode = M_GETINFO;
    else if (!strcmp(name, "openclose")) mode = M_OPENCLOSE;
    else if (!strcmp(name, "download")) mode = M_DOWNLOAD;
    else if (!strcmp(name, "screenshot")) mode = M_SCREENSHOT;
    else {
        fprintf(stderr, "cload: unknown mode %s\n", name);
        return 2;
    }
    if (threads < 1)
        threads = 1;

    /* libvirt prints every error to stderr by default; failures are reported once by fail(). */
    virSetErrorFunc(NULL, silent_errors);
    if (virInitialize() < 0) {
        fail("virInitialize");
        return 1;
    }

    if (mode != M_OPENCLOSE) {
        conn = virConnectOpen(uri);
        if (!conn) {
            fail("virConnectOpen");
            return 1;
        }
        if (mode == M_GETINFO || mode == M_SCREENSHOT) {
            dom = virDomainLookupByName(conn, "test");
            if (!dom) {
                fail("virDomainLookupByName");
                return 1;
            }
        }
        if (mode == M_DOWNLOAD) {
            virStoragePoolPtr pool = virStoragePoolLookupByName(conn, "default-pool");
            vol = pool ? virStorageVolLookupByName(pool, "bench.img") : NULL;
            if (!vol) {
                fail("volume lookup");
                return 1;
            }
            virStoragePoolFree(pool);
        }
    }

    /* Warm-up: the first calls fill caches on both sides. Streams are not repeated (one may be large). */
    int warm = (mode == M_DOWNLOAD || mode == M_SCREENSHOT) ? 0 : 20;
    for (int i = 0; i < warm; i++) {
        if (one_call() < 0) {
            fail("warm-up call");
            return 1;
        }
    }

    if (ready_and_wait() < 0)
        return 1;

    struct worker *workers = calloc((size_t)threads, sizeof(*workers));
    double user0 = cpu(1), sys0 = cpu(0), t0 = now();
    for (int i = 0; i < threads; i++)
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    /* Sleep in short steps so a failing worker ends the run early. */
    while (now() - t0 < seconds && !atomic_load(&stop_flag)) {
        struct timespec step = { 0, 10 * 1000 * 1000 };
        nanosleep(&step, NULL);
    }
    atomic_store(&stop_flag, 1);
    unsigned long long calls = 0, bytes = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        calls += workers[i].calls;
        bytes += workers[i].bytes;
    }
    double elapsed = now() - t0;
    double user = cpu(1) - user0, sys = cpu(0) - sys0;
    if (atomic_load(&failed))
        return 1;
    printf("RESULT calls=%llu seconds=%.6f bytes=%llu user=%.6f sys=%.6f\n", calls, elapsed, bytes, user, sys);
    fflush(stdout);

    wait_for_stdin_to_close();
    free(workers);
    if (dom)
        virDomainFree(dom);
    if (vol)
        virStorageVolFree(vol);
    if (conn)
        virConnectClose(conn);
    return 0;
}
