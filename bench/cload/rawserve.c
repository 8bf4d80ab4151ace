/*
 * rawserve: the floor for a server answering one call at a time. It listens on a Unix socket and, for every call
 * frame it receives, sends back a reply with the call's header (type and status set to reply, ok) and a fixed body of
 * zeros, decoding nothing. It is only good for rawload, which checks each reply's serial and status and no more, but
 * it shows what the kernel (and the VM under it) charges a server per round trip: no server can do less.
 *
 *   rawserve SOCKET_PATH
 *
 * prints "READY" once it listens, serves one connection after another, and exits when stdin closes (checked
 * between connections).
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
#include <unistd.h>

enum { HEADER = 28, BODY = 32, MAX_FRAME = 1 << 20 };

static unsigned char input[MAX_FRAME * 2];

static uint32_t get32(const unsigned char *at)
{
    uint32_t value;
    memcpy(&value, at, 4);
    return ntohl(value);
}

static void put32(unsigned char *at, uint32_t value)
{
    value = htonl(value);
    memcpy(at, &value, 4);
}

/* Answers every whole frame in the buffer; returns how many bytes it used, or -1 on a bad frame or send failure. */
static long answer(int fd, const unsigned char *data, size_t length)
{
    static unsigned char replies[64 * (HEADER + BODY)];
    size_t used = 0, out = 0;
    while (length - used >= 4) {
        uint32_t frame = get32(data + used);
        if (frame < HEADER || frame > MAX_FRAME)
            return -1;
        if (length - used < frame)
            break;
        if (out + HEADER + BODY > sizeof(replies)) {
            if (send(fd, replies, out, 0) != (ssize_t)out)
                return -1;
            out = 0;
        }
        unsigned char *reply = replies + out;
        memcpy(reply, data + used, HEADER);
        put32(reply, HEADER + BODY);
        put32(reply + 16, 1); /* reply */
        put32(reply + 24, 0); /* ok */
        memset(reply + HEADER, 0, BODY);
        out += HEADER + BODY;
        used += frame;
    }
    if (out > 0 && send(fd, replies, out, 0) != (ssize_t)out)
        return -1;
    return (long)used;
}

static void serve(int fd)
{
    size_t have = 0;
    for (;;) {
        /* Only the connection: watching stdin here too would make every wait dearer than a real server's. */
        struct pollfd ready = { fd, POLLIN, 0 };
        if (poll(&ready, 1, -1) < 0 && errno != EINTR)
            break;
        ssize_t n = recv(fd, input + have, sizeof(input) - have, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN))
            break;
        if (n < 0)
            continue;
        have += (size_t)n;
        long used = answer(fd, input, have);
        if (used < 0)
            break;
        memmove(input, input + used, have - (size_t)used);
        have -= (size_t)used;
    }
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rawserve SOCKET_PATH\n");
        return 2;
    }
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen(argv[1]) >= sizeof(address.sun_path)) {
        fprintf(stderr, "rawserve: socket path too long\n");
        return 2;
    }
    strcpy(address.sun_path, argv[1]);
    unlink(argv[1]);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 || listen(listener, 16) < 0) {
        perror("rawserve: listen");
        return 1;
    }
    printf("READY\n");
    fflush(stdout);
    for (;;) {
        struct pollfd ready[2] = { { listener, POLLIN, 0 }, { 0, POLLIN, 0 } };
        if (poll(ready, 2, -1) < 0 && errno != EINTR)
            return 1;
        if (ready[1].revents)
            break;
        if (ready[0].revents) {
            int fd = accept(listener, NULL, NULL);
            if (fd >= 0)
                serve(fd);
        }
    }
    unlink(argv[1]);
    return 0;
}
