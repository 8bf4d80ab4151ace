/*
 * rawload: the floor for one call at a time. It speaks the remote protocol by hand over a Unix socket, with no
 * library: each call is one send of a request encoded once up front, then poll and recv until the whole reply is in.
 * No client can do less work per call, so its CPU per call is what the kernel (and the VM under it) charges for a
 * round trip; the comparison runner sets it beside the C client and ours. Same stdin/stdout handshake as cload:
 *
 *   rawload SOCKET_PATH version|listall|getinfo SECONDS
 *
 * prints "READY", waits for a line on stdin, calls for SECONDS, prints
 *   "RESULT calls=N seconds=S bytes=0 user=U sys=S"
 * and exits when stdin closes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "loadrun.h"
#include <unistd.h>

enum { PROGRAM = 0x20008086, VERSION = 1, HEADER = 28 };
enum { PROC_OPEN = 1, PROC_GET_INFO = 16, PROC_LOOKUP_BY_NAME = 23, PROC_GET_LIB_VERSION = 157, PROC_LIST_ALL = 273 };

static int fd;
static uint32_t serial;
static unsigned char reply[1 << 20];

static void put32(unsigned char *at, uint32_t value)
{
    value = htonl(value);
    memcpy(at, &value, 4);
}

static uint32_t get32(const unsigned char *at)
{
    uint32_t value;
    memcpy(&value, at, 4);
    return ntohl(value);
}

/* Writes a call frame for PROC with ARGS into FRAME; returns its length. The serial is patched in per call. */
static size_t frame(unsigned char *frame, int proc, const unsigned char *args, size_t length)
{
    put32(frame, (uint32_t)(HEADER + length));
    put32(frame + 4, PROGRAM);
    put32(frame + 8, VERSION);
    put32(frame + 12, (uint32_t)proc);
    put32(frame + 16, 0); /* call */
    put32(frame + 20, 0);
    put32(frame + 24, 0); /* ok */
    memcpy(frame + HEADER, args, length);
    return HEADER + length;
}

/* One round trip; returns the reply body length, or -1 (with a message) on any failure or error reply. */
static long call(unsigned char *request, size_t length)
{
    put32(request + 20, ++serial);
    if (send(fd, request, length, 0) != (ssize_t)length) {
        perror("rawload: send");
        return -1;
    }
    size_t got = 0, want = 4;
    while (got < want) {
        struct pollfd ready = { fd, POLLIN, 0 };
        if (poll(&ready, 1, -1) < 0) {
            perror("rawload: poll");
            return -1;
        }
        ssize_t n = recv(fd, reply + got, sizeof(reply) - got, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            fprintf(stderr, "rawload: connection lost\n");
            return -1;
        }
        if (n > 0)
            got += (size_t)n;
        if (got < 4)
            continue;
        want = get32(reply);
        if (want < HEADER || want > sizeof(reply)) {
            fprintf(stderr, "rawload: bad reply length %zu\n", want);
            return -1;
        }
    }
    if (got != want || get32(reply + 20) != serial || get32(reply + 24) != 0) {
        fprintf(stderr, "rawload: unexpected reply (serial %u, status %u)\n", get32(reply + 20), get32(reply + 24));
        return -1;
    }
    return (long)(want - HEADER);
}

/* XDR string: length, bytes, padding to 4. */
static size_t string(unsigned char *at, const char *text)
{
    size_t length = strlen(text), padded = (length + 3) & ~(size_t)3;
    put32(at, (uint32_t)length);
    memset(at + 4, 0, padded);
    memcpy(at + 4, text, length);
    return 4 + padded;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: rawload SOCKET_PATH version|listall|getinfo SECONDS\n");
        return 2;
    }
    const char *mode = argv[2];
    double seconds = atof(argv[3]);

    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen(argv[1]) >= sizeof(address.sun_path)) {
        fprintf(stderr, "rawload: socket path too long\n");
        return 2;
    }
    strcpy(address.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
        perror("rawload: connect");
        return 1;
    }

    static unsigned char open_request[256], request[1024], args[512];
    size_t n = 0;
    put32(args, 1); /* the name is present */
    n = 4 + string(args + 4, "test:///default");
    put32(args + n, 0); /* flags */
    size_t open_length = frame(open_request, PROC_OPEN, args, n + 4);
    if (call(open_request, open_length) < 0)
        return 1;

    size_t length;
    if (!strcmp(mode, "version")) {
        length = frame(request, PROC_GET_LIB_VERSION, args, 0);
    } else if (!strcmp(mode, "listall")) {
        put32(args, 1); /* need_results */
        put32(args + 4, 0);
        length = frame(request, PROC_LIST_ALL, args, 8);
    } else if (!strcmp(mode, "getinfo")) {
        /* The lookup's reply body is the domain reference that DOMAIN_GET_INFO takes as its arguments. */
        size_t lookup_length = frame(request, PROC_LOOKUP_BY_NAME, args, string(args, "test"));
        long body = call(request, lookup_length);
        if (body < 0 || body > (long)sizeof(args))
            return 1;
        memcpy(args, reply + HEADER, (size_t)body);
        length = frame(request, PROC_GET_INFO, args, (size_t)body);
    } else {
        fprintf(stderr, "rawload: unknown mode %s\n", mode);
        return 2;
    }

    for (int i = 0; i < 20; i++) {
        if (call(request, length) < 0)
            return 1;
    }

    if (ready_and_wait() < 0)
        return 1;

    unsigned long long calls = 0;
    double user0 = cpu(1), sys0 = cpu(0), t0 = now(), t;
    do {
        if (call(request, length) < 0)
            return 1;
        calls++;
        t = now();
    } while (t - t0 < seconds);
    double user = cpu(1) - user0, sys = cpu(0) - sys0;
    printf("RESULT calls=%llu seconds=%.6f bytes=0 user=%.6f sys=%.6f\n", calls, t - t0, user, sys);
    fflush(stdout);

    wait_for_stdin_to_close();
    close(fd);
    return 0;
}
