/*
 * What the C load programs share: their clocks (wall time, and this process's user or system CPU seconds) and their
 * side of the runner's handshake.
 */
#ifndef LVR_BENCH_LOADRUN_H
#define LVR_BENCH_LOADRUN_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double cpu(int user)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    struct timeval tv = user ? usage.ru_utime : usage.ru_stime;
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Says READY and waits for the runner's go (a line on stdin); 0 when told to go, -1 when stdin closed first. */
static inline int ready_and_wait(void)
{
    char line[64];
    printf("READY\n");
    fflush(stdout);
    return fgets(line, sizeof(line), stdin) ? 0 : -1;
}

/* Stays alive until the runner closes stdin, so it can read this process's /proc/PID/stat after RESULT. */
static inline void wait_for_stdin_to_close(void)
{
    char line[64];
    while (fgets(line, sizeof(line), stdin))
        ;
}

#endif
