/*
 * Vigil test Kafka broker: a librdkafka mock cluster on 127.0.0.1, driven by
 * a line protocol on stdin/stdout so tests can inject faults while it runs.
 *
 *   mock-cluster [--brokers N]
 *
 * stdout: one line "READY <bootstrap servers>" once listening, then exactly one
 *         reply line ("OK" or "ERR <reason>") per command read from stdin.
 * stderr: librdkafka logs (warnings and worse) and diagnostics.
 *
 * Commands (one per line, whitespace separated):
 *   topic <name> <partitions> <replication>
 *   down <brokerId> | up <brokerId>
 *   leader <topic> <partition> <brokerId>
 *   errors <apiKey> <errCode> [<errCode> ...]
 *   rtt <brokerId> <ms>
 *   ping | quit
 *
 * Exits 0 on "quit", on EOF of stdin (the controlling test process went away)
 * and on SIGTERM/SIGINT. Mock broker ids are 1..N.
 *
 * See test/kafka-broker/README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_LINE 4096
#define MAX_ARGS 256

static volatile sig_atomic_t g_stop = 0;
static pid_t g_parent = 0;

static void on_signal(int sig) {
        (void)sig;
        g_stop = 1;
}

static void on_alarm(int sig) {
        (void)sig;
        /* Shutdown took too long: give up on a clean destroy. */
        _exit(0);
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf) {
        (void)rk;
        fprintf(stderr, "rdkafka[%d] %s: %s\n", level, fac, buf);
}

/* Writes one reply line to stdout. If stdout is gone, so is our controller. */
static void reply(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        if (fflush(stdout) != 0 || ferror(stdout))
                g_stop = 1;
}

static void reply_err(rd_kafka_resp_err_t err) {
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
                reply("OK");
        else
                reply("ERR %s: %s", rd_kafka_err2name(err),
                      rd_kafka_err2str(err));
}

/* Strict base-10 integer parse; returns 0 on success. */
static int parse_long(const char *s, long min, long max, long *out) {
        char *end = NULL;
        long v;
        if (s == NULL || *s == '\0')
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

/* Tokenizes line in place on spaces/tabs/CR; returns argc. */
static int split(char *line, char **argv, int max) {
        int argc = 0;
        char *save = NULL;
        char *tok  = strtok_r(line, " \t\r\n", &save);
        while (tok != NULL && argc < max) {
                argv[argc++] = tok;
                tok          = strtok_r(NULL, " \t\r\n", &save);
        }
        if (tok != NULL)
                return -1; /* too many arguments */
        return argc;
}

#define NEED_ARGS(n, usage)                                                    \
        do {                                                                   \
                if (argc != (n)) {                                             \
                        reply("ERR usage: %s", usage);                         \
                        return 0;                                              \
                }                                                              \
        } while (0)

#define NEED_INT(idx, min, max, var, what)                                     \
        do {                                                                   \
                if (parse_long(argv[idx], (min), (max), &(var)) != 0) {        \
                        reply("ERR invalid %s: %s", what, argv[idx]);          \
                        return 0;                                              \
                }                                                              \
        } while (0)

/* Runs one command; returns 1 when the program should exit. */
static int handle(rd_kafka_mock_cluster_t *mc, int broker_cnt, char *line) {
        char *argv[MAX_ARGS];
        int argc = split(line, argv, MAX_ARGS);
        const char *cmd;
        long a, b, c;

        if (argc < 0) {
                reply("ERR too many arguments");
                return 0;
        }
        if (argc == 0) {
                reply("ERR empty command");
                return 0;
        }
        cmd = argv[0];

        if (!strcmp(cmd, "ping")) {
                NEED_ARGS(1, "ping");
                reply("OK");

        } else if (!strcmp(cmd, "quit")) {
                NEED_ARGS(1, "quit");
                reply("OK");
                return 1;

        } else if (!strcmp(cmd, "topic")) {
                NEED_ARGS(4, "topic <name> <partitions> <replication>");
                NEED_INT(2, 1, 100000, a, "partitions");
                NEED_INT(3, 1, broker_cnt, b, "replication");
                reply_err(
                    rd_kafka_mock_topic_create(mc, argv[1], (int)a, (int)b));

        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                int down = !strcmp(cmd, "down");
                NEED_ARGS(2, down ? "down <brokerId>" : "up <brokerId>");
                /* -1 means "all brokers" to librdkafka. */
                NEED_INT(1, -1, INT32_MAX, a, "brokerId");
                if (a == 0 || a > broker_cnt) {
                        reply("ERR unknown broker %ld (ids are 1..%d, or -1 "
                              "for all)",
                              a, broker_cnt);
                        return 0;
                }
                reply_err(down ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                               : rd_kafka_mock_broker_set_up(mc, (int32_t)a));

        } else if (!strcmp(cmd, "leader")) {
                NEED_ARGS(4, "leader <topic> <partition> <brokerId>");
                NEED_INT(2, 0, INT32_MAX, a, "partition");
                NEED_INT(3, -1, INT32_MAX, b, "brokerId");
                if (b == 0 || b > broker_cnt) {
                        reply("ERR unknown broker %ld (ids are 1..%d, or -1 "
                              "for leaderless)",
                              b, broker_cnt);
                        return 0;
                }
                reply_err(rd_kafka_mock_partition_set_leader(
                    mc, argv[1], (int32_t)a, (int32_t)b));

        } else if (!strcmp(cmd, "errors")) {
                rd_kafka_resp_err_t errs[MAX_ARGS];
                size_t cnt = 0;
                int i;
                if (argc < 3) {
                        reply("ERR usage: errors <apiKey> <errCode> "
                              "[<errCode> ...]");
                        return 0;
                }
                NEED_INT(1, 0, INT16_MAX, a, "apiKey");
                for (i = 2; i < argc; i++) {
                        NEED_INT(i, INT_MIN, INT_MAX, c, "errCode");
                        errs[cnt++] = (rd_kafka_resp_err_t)c;
                }
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, cnt,
                                                        errs);
                reply("OK");

        } else if (!strcmp(cmd, "rtt")) {
                NEED_ARGS(3, "rtt <brokerId> <ms>");
                NEED_INT(1, -1, INT32_MAX, a, "brokerId");
                NEED_INT(2, 0, INT_MAX, b, "ms");
                if (a == 0 || a > broker_cnt) {
                        reply("ERR unknown broker %ld (ids are 1..%d, or -1 "
                              "for all)",
                              a, broker_cnt);
                        return 0;
                }
                reply_err(
                    rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b));

        } else {
                reply("ERR unknown command: %s", cmd);
        }
        return 0;
}

static void usage(const char *prog) {
        fprintf(stderr, "usage: %s [--brokers N]\n", prog);
}

int main(int argc, char **argv) {
        long brokers = 3;
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        struct sigaction sa;
        char buf[MAX_LINE];
        size_t len      = 0;
        int discarding  = 0; /* current line overflowed: drop until newline */
        int i;

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_long(argv[++i], 1, 64, &brokers) != 0) {
                                fprintf(stderr, "invalid --brokers: %s\n",
                                        argv[i]);
                                return 2;
                        }
                } else if (!strcmp(argv[i], "--help") ||
                           !strcmp(argv[i], "-h")) {
                        usage(argv[0]);
                        return 0;
                } else {
                        usage(argv[0]);
                        return 2;
                }
        }

        /* No SA_RESTART: a signal interrupts poll()/read() so we can exit. */
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

#ifdef __linux__
        /* Belt and braces next to stdin EOF: die with the spawning process. */
        g_parent = getppid();
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != g_parent)
                return 0;
#endif

        /* A plain producer handle with no bootstrap servers: it never talks to
         * the mock brokers itself (test.mock.num.brokers would make it a
         * client of the cluster and let it eat pushed request errors). */
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, log_cb);
        if (rd_kafka_conf_set(conf, "log_level", "4", errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK ||
            rd_kafka_conf_set(conf, "client.id", "vigil-mock-cluster", errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "conf: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (rk == NULL) {
                fprintf(stderr, "rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
        if (mc == NULL) {
                fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        fprintf(stdout, "READY %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        while (!g_stop) {
                struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
                ssize_t n;
                int r = poll(&pfd, 1, 1000);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("poll");
                        break;
                }
#ifdef __linux__
                if (getppid() != g_parent)
                        break; /* orphaned */
#endif
                if (r == 0)
                        continue;

                n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
                if (n < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        perror("read");
                        break;
                }
                if (n == 0)
                        break; /* EOF: the controller is gone */
                len += (size_t)n;

                /* Handle every complete line in the buffer. */
                for (;;) {
                        char *nl = memchr(buf, '\n', len);
                        size_t used;
                        if (nl == NULL) {
                                if (len == sizeof(buf) - 1) {
                                        /* Line too long: drop it. */
                                        if (!discarding)
                                                reply("ERR line too long");
                                        discarding = 1;
                                        len        = 0;
                                }
                                break;
                        }
                        *nl  = '\0';
                        used = (size_t)(nl - buf) + 1;
                        if (discarding)
                                discarding = 0;
                        else if (handle(mc, (int)brokers, buf))
                                g_stop = 1;
                        memmove(buf, buf + used, len - used);
                        len -= used;
                        if (g_stop)
                                break;
                }
        }

        /* The mock cluster holds no state worth tearing down, and
         * rd_kafka_mock_cluster_destroy() takes up to 1 s (its thread wakes
         * once a second), which every test suite would pay on stop(): let
         * the kernel close the listeners and connections instead.
         * Set VIGIL_MOCK_CLEAN_EXIT=1 to destroy properly (e.g. under
         * valgrind), bounded by a 5 s alarm. */
        fflush(stdout);
        if (getenv("VIGIL_MOCK_CLEAN_EXIT") != NULL) {
                signal(SIGALRM, on_alarm);
                alarm(5);
                rd_kafka_mock_cluster_destroy(mc);
                rd_kafka_destroy(rk);
        }
        _exit(0);
}
