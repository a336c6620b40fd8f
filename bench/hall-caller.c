/*
 * hall-caller.c — the timed side of the hall benchmark (bench/hall.mjs runs it).
 *
 * Calls the next ticket at a fixed rate, round-robin over the windows whose
 * clerks' tokens it reads, over one kept-alive connection; after each call it
 * marks the ticket a no-show and takes a new ticket in its category, so the
 * queue keeps its length. Only call-next is timed, from the request's first
 * byte sent to its answer's last byte read: a client that adds a few
 * microseconds, as wrk does for the other benchmarks, where node's own
 * scheduling on the same two cores added milliseconds.
 *
 * Usage: hall-caller PORT RATE SECONDS TOKENS   (TOKENS: lines "window token")
 * Prints one line per call, "ticket-id epoch-ms latency-us", then
 * "errors N".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_WINDOWS = 512, BUF = 65536 };

static int sock = -1;
static char reply[BUF];

static long long now_us(int clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int connect_to(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("hall-caller: connect");
		exit(1);
	}
	return s;
}

/* Sends a POST and reads its whole answer into reply; returns the status, or -1. */
static int post(const char *path, const char *token, const char *body)
{
	char req[2048];
	int n = snprintf(req, sizeof(req),
			 "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			 "%s%s%sContent-Length: %zu\r\n\r\n%s",
			 path, token ? "Authorization: Bearer " : "", token ? token : "",
			 token ? "\r\n" : "", strlen(body), body);
	if (n <= 0 || n >= (int)sizeof(req) || write(sock, req, (size_t)n) != n)
		return -1;
	size_t got = 0;
	char *end = NULL;
	while (!end) {
		ssize_t r = read(sock, reply + got, sizeof(reply) - 1 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		reply[got] = '\0';
		end = strstr(reply, "\r\n\r\n");
	}
	size_t length = 0;
	for (char *h = strstr(reply, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
		if (!strncasecmp(h + 2, "Content-Length:", 15))
			length = strtoul(h + 17, NULL, 10);
	size_t want = (size_t)(end + 4 - reply) + length;
	if (want >= sizeof(reply))
		return -1;
	while (got < want) {
		ssize_t r = read(sock, reply + got, want - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	reply[got] = '\0';
	return atoi(reply + 9); /* "HTTP/1.1 200" */
}

/* Copies the string value of "key" in the answer's body into out. */
static int field(const char *key, char *out, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	const char *p = strstr(reply, "\r\n\r\n");
	p = p ? strstr(p, pat) : NULL;
	if (!p)
		return -1;
	p += strlen(pat);
	size_t n = strcspn(p, "\"");
	if (n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: hall-caller PORT RATE SECONDS TOKENS\n");
		return 2;
	}
	int port = atoi(argv[1]);
	double rate = atof(argv[2]), seconds = atof(argv[3]);
	FILE *f = fopen(argv[4], "r");
	if (!f || rate <= 0) {
		fprintf(stderr, "hall-caller: cannot read %s\n", argv[4]);
		return 2;
	}
	static int windows[MAX_WINDOWS];
	static char tokens[MAX_WINDOWS][128];
	int nw = 0;
	while (nw < MAX_WINDOWS && fscanf(f, "%d %127s", &windows[nw], tokens[nw]) == 2)
		nw++;
	fclose(f);
	if (!nw)
		return 2;
	sock = connect_to(port);
	long long interval = (long long)(1e6 / rate), start = now_us(CLOCK_MONOTONIC);
	long long phone = 13100000000LL;
	int errors = 0;
	for (long long i = 0; i * interval < (long long)(seconds * 1e6); i++) {
		long long due = start + i * interval, wait = due - now_us(CLOCK_MONOTONIC);
		if (wait > 0)
			usleep((useconds_t)wait);
		int w = (int)(i % nw);
		char path[256], id[64], category[8], body[160];
		snprintf(path, sizeof(path), "/api/v1/windows/%d/call-next", windows[w]);
		long long t0 = now_us(CLOCK_MONOTONIC);
		int status = post(path, tokens[w], "");
		long long t1 = now_us(CLOCK_MONOTONIC);
		if (status != 200 || field("id", id, sizeof(id)) || field("category", category, sizeof(category))) {
			errors++;
			if (status < 0) {
				close(sock);
				sock = connect_to(port);
			}
			continue;
		}
		printf("%s %lld %lld\n", id, now_us(CLOCK_REALTIME) / 1000, t1 - t0);
		snprintf(path, sizeof(path), "/api/v1/tickets/%s/actions/no_show", id);
		if (post(path, tokens[w], "") != 200)
			errors++;
		snprintf(body, sizeof(body), "{\"category\":\"%s\",\"channel\":\"kiosk\",\"phone\":\"%lld\"}",
			 category, phone++);
		if (post("/api/v1/tickets", NULL, body) != 201)
			errors++;
	}
	printf("errors %d\n", errors);
	close(sock);
	return 0;
}
