/*
 * request — whole HTTP requests to the real server, in this process: the
 * head as libevent reads it and the connection watch sees it (NUL,
 * obs-fold, stray CR), the router and its parameters, the query, cookies,
 * the Authorization header, X-CSRF-Token, Idempotency-Key, and every
 * handler's body checks behind them, on the demo district's store.
 *
 * The server runs on its own threads (one listener, the writer, the jobs)
 * on a loopback port; each input is one connection. In an input, "@T@"
 * becomes the token of a session signed in as admin and "@C@" its CSRF
 * token, so that the fuzzer reaches past sign-in. The answer is read until
 * the server closes or stays quiet for 20 ms (500 ms when nothing came).
 *
 * A finding: a crash or sanitizer report on any thread, a server that stops
 * accepting, or a 500 (bad input must get a named 4xx, never an internal
 * error).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include "cli/app.h"
#include "lib/json.h"
#include "fuzz.h"

static struct app app;
static int port;
static char token[80], csrf[40];

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends req and reads the answer into out (at most size - 1 bytes, NUL-terminated). */
static size_t exchange(const char *req, size_t n, char *out, size_t size)
{
	int fd = -1;
	for (int i = 0; i < 200 && fd < 0; i++)
		if ((fd = connect_server()) < 0)
			usleep(10000);
	FUZZ_ASSERT(fd >= 0); /* the server still accepts */
	for (size_t sent = 0; sent < n;) {
		ssize_t w = send(fd, req + sent, n - sent, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		sent += (size_t)w;
	}
	size_t got = 0;
	for (int waited = 0; waited < 500;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, got ? 20 : 50) <= 0) {
			waited += 50;
			if (got)
				break; /* quiet for 20 ms after an answer began */
			continue;
		}
		char tmp[4096];
		ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
		if (r <= 0)
			break;
		size_t k = (size_t)r < size - 1 - got ? (size_t)r : size - 1 - got;
		memcpy(out + got, tmp, k);
		got += k;
	}
	out[got] = '\0';
	close(fd);
	return got;
}

static void *serve(void *arg)
{
	(void)arg;
	yc_err err;
	if (app_run(&app, &err))
		fprintf(stderr, "request fuzzer: the server stopped: %s\n", err.message);
	abort();
	return NULL;
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		abort();
	close(fd);
	return ntohs(a.sin_port);
}

static void sign_in(void)
{
	static const char body[] = "{\"username\":\"admin\",\"password\":\"yichuang-demo\"}";
	char req[512], resp[8192];
	int n = snprintf(req, sizeof(req),
			 "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			 sizeof(body) - 1, body);
	size_t got = exchange(req, (size_t)n, resp, sizeof(resp));
	const char *json = strstr(resp, "\r\n\r\n");
	cJSON *j = NULL;
	yc_err err;
	if (!got || !json || yc_json_parse(json + 4, strlen(json + 4), &j, &err)) {
		fprintf(stderr, "request fuzzer: no session: %s\n", resp);
		abort();
	}
	snprintf(token, sizeof(token), "%s", yc_json_str(j, "token"));
	snprintf(csrf, sizeof(csrf), "%s", yc_json_str(j, "csrf"));
	cJSON_Delete(j);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)fuzz_store();
	port = free_port();
	char listen[32];
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	char public_url[48];
	snprintf(public_url, sizeof(public_url), "http://127.0.0.1:%d", port);
	yc_config *cfg = &app.http.cfg;
	yc_config_defaults(cfg);
	yc_err err;
	const char *set[][2] = {
		{"db", fuzz_scratch.path},
		{"listen", listen},
		{"threads", "1"},
		{"access-log", "false"},
		{"tickets-per-address", "1000000"},
		{"registrations-per-address", "1000000"},
		{"guide-log-per-address", "1000000"},
		{"public-url", public_url},
	};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (yc_config_set(cfg, set[i][0], set[i][1], &err)) {
			fprintf(stderr, "request fuzzer: %s\n", err.message);
			abort();
		}
	if (app_open(&app, &err)) {
		fprintf(stderr, "request fuzzer: %s (run from the project's root)\n", err.message);
		abort();
	}
	pthread_t t;
	pthread_create(&t, NULL, serve, NULL);
	pthread_detach(t);
	sign_in();
	return 0;
}

/* The input with @T@ and @C@ replaced; *n its length. */
static char *expand(const uint8_t *data, size_t size, size_t *n)
{
	size_t cap = size * (sizeof(token) / 3 + 1) + 1;
	char *out = malloc(cap);
	size_t k = 0;
	if (!out)
		abort();
	for (size_t i = 0; i < size;) {
		const char *with = NULL;
		if (i + 3 <= size && !memcmp(data + i, "@T@", 3))
			with = token;
		else if (i + 3 <= size && !memcmp(data + i, "@C@", 3))
			with = csrf;
		if (with) {
			size_t w = strlen(with);
			memcpy(out + k, with, w);
			k += w;
			i += 3;
		} else {
			out[k++] = (char)data[i++];
		}
	}
	*n = k;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	size_t n;
	char *req = expand(data, size, &n);
	static char resp[256 * 1024];
	size_t got = exchange(req, n, resp, sizeof(resp));
	if (got >= 12 && !strncmp(resp, "HTTP/1.", 7)) {
		int status = atoi(resp + 9);
		if (status == 500)
			fprintf(stderr, "request fuzzer: 500 for:\n%.*s\n---\n%s\n", (int)n, req,
				resp);
		FUZZ_ASSERT(status != 500);
	}
	free(req);
	return 0;
}
