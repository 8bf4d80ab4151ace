/*
 * wakecost: what waking a sleeping thread costs the thread that wakes it, on this machine. A write of one byte to a
 * Unix socket is timed on the writer's own CPU clock in three settings:
 *
 *   none    nobody waits on the other end: the write alone;
 *   local   a reader sleeps in read() on the writer's CPU: the write plus a wake-up on the same CPU;
 *   remote  a reader sleeps in read() on another CPU, idle meanwhile: the write plus a cross-CPU wake-up.
 *
 * On bare metal a cross-CPU wake-up is an inter-processor interrupt of well under a microsecond; in a VM whose host
 * traps that interrupt it can cost the waker several microseconds. The comparison runner prints the three figures
 * with every results file, because a server's CPU per call then depends on how often its threads wake each other
 * across CPUs, and that depends on where the scheduler put them, not only on the work per call.
 *
 *   wakecost [WRITES]      prints "WAKECOST none=U local=U remote=U" (µs per write), or "WAKECOST unavailable"
 *                          on a single-CPU machine.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int pair[2];
static int reader_cpu;

static double clock_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *reader(void *unused)
{
    (void)unused;
    char buffer[256];
    pin(reader_cpu);
    while (read(pair[1], buffer, sizeof(buffer)) > 0) {
    }
    return NULL;
}

/* µs of the writer's CPU per one-byte write; with a reader on reader_cpu when cpu >= 0. */
static double measure(int writes, int cpu)
{
    pthread_t thread;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
        perror("socketpair");
        exit(1);
    }
    if (cpu >= 0) {
        reader_cpu = cpu;
        pthread_create(&thread, NULL, reader, NULL);
    }
    double spent = 0;
    char byte = 'x', drain[4096];
    for (int i = 0; i < writes; i++) {
        /* Wait on the wall clock, not by sleeping, so the writer's CPU stays where it is while the reader goes back
         * to sleep and its CPU goes idle. */
        double until = clock_seconds(CLOCK_MONOTONIC) + 50e-6;
        while (clock_seconds(CLOCK_MONOTONIC) < until) {
        }
        double before = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
        if (write(pair[0], &byte, 1) != 1) {
            perror("write");
            exit(1);
        }
        spent += clock_seconds(CLOCK_THREAD_CPUTIME_ID) - before;
        /* Without a reader, keep the socket buffer from filling (each write queues a buffer of its own). */
        if (cpu < 0 && i % 64 == 63) {
            while (recv(pair[1], drain, sizeof(drain), MSG_DONTWAIT) > 0) {
            }
        }
    }
    close(pair[0]);
    if (cpu >= 0) {
        pthread_join(thread, NULL);
    }
    close(pair[1]);
    return spent / writes * 1e6;
}

int main(int argc, char **argv)
{
    int writes = argc > 1 ? atoi(argv[1]) : 10000;
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || pin(1) != 0) {
        printf("WAKECOST unavailable\n");
        return 0;
    }
    double none = measure(writes, -1);
    double local = measure(writes, 1);
    double remote = measure(writes, 0);
    printf("WAKECOST none=%.2f local=%.2f remote=%.2f\n", none, local, remote);
    return 0;
}
