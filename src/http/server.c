/*
 * server.c — the listener threads: sockets, event loops, graceful shutdown.
 *
 * The path of a request: http_on_request (dispatch.c, on a listener thread)
 * checks the head, decodes the path, finds the route, enforces the body
 * limit, parses JSON, authenticates (session.c), checks role and CSRF, and
 * calls the handler. A handler answers at once (reads; request.c) or parks
 * the request with http_write (write.c); the writer thread commits and queues
 * the request back to its own listener thread (http_wake_cb), where the
 * handler's done() answers. The files call downwards only: dispatch →
 * session → request.
 */
#include "http/server.h"
#include "http/internal.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <pthread.h>
#include <signal.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "http/conn.h"
#include "http/sse.h"
#include "jobs/outbox.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* The host part of --listen; the most listener threads (--threads' own bound). */
enum { LISTEN_HOST_MAX = 128, THREADS_MAX = 256 };

static void drain_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	if (t->inflight == 0)
		event_base_loopexit(t->base, NULL);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	if (t->bound) {
		evhttp_del_accept_socket(t->http, t->bound);
		t->bound = NULL;
	}
	struct timeval tick = {0, 20000};
	event_add(t->drain_ev, &tick);
	drain_cb(-1, 0, t);
}

static void log_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	yc_logbuf_flush(&t->log);
}

static void *thread_main(void *arg)
{
	yc_thread *t = arg;
	pthread_setname_np(pthread_self(), "yc-listener");
	case_cache_enable();
	event_base_dispatch(t->base);
	yc_logbuf_flush(&t->log); /* the last requests' lines, before the thread ends */
	case_cache_release();
	return NULL;
}

/* Parses "host:port" or "[v6]:port" into addr. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			bool *loopback, yc_err *err)
{
	char host[LISTEN_HOST_MAX];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host))
		return yc_err_set(err, YC_EINVAL, "listen", "listen must be HOST:PORT");
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return yc_err_set(err, YC_EINVAL, "listen", "the port must be 0–65535");
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (host[0] == '[') {
		size_t hl = strlen(host);
		if (host[hl - 1] != ']')
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv6 address");
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv6 address");
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		*len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv4 address '%s'", host);
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
		*len = sizeof(*a4);
	}
	return 0;
}

static int open_listener(struct sockaddr_storage *ss, socklen_t len, yc_err *err)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, len) || listen(fd, 1024)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return yc_err_set(err, YC_EIO, "listen", "cannot listen: %s", strerror(e));
	}
	return fd;
}

static int thread_setup(yc_thread *t, int fd, yc_err *err)
{
	yc_config *cfg = &t->app->cfg;
	int rc = db_open(cfg->db, 0, &t->db, err);
	if (rc)
		return rc;
	pthread_mutex_init(&t->lock, NULL);
	t->fd = fd;
	/*
	 * The epoll changelist coalesces the add/remove pairs evhttp makes on
	 * every request into one epoll_ctl per loop turn (measured: most of a
	 * small request's time went to epoll_ctl without it).
	 */
	struct event_config *ec = event_config_new();
	if (!ec)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot create the event loop");
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	t->base = event_base_new_with_config(ec);
	event_config_free(ec);
	t->http = t->base ? evhttp_new(t->base) : NULL;
	if (!t->http)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot create the event loop");
	evhttp_set_gencb(t->http, http_on_request, t);
	evhttp_set_bevcb(t->http, conn_bufferevent, NULL); /* each head watched (conn.h) */
	evhttp_set_max_body_size(t->http, cfg->body_limit);
	evhttp_set_max_headers_size(t->http, cfg->header_limit);
	evhttp_set_timeout(t->http, (int)cfg->timeout_s);
	/* every method libevent knows reaches the router, which answers 405 in JSON */
	evhttp_set_allowed_methods(t->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_flags(t->http, EVHTTP_SERVER_LINGERING_CLOSE);
	t->bound = evhttp_accept_socket_with_handle(t->http, fd);
	t->sse = sse_thread_new(t->base);
	t->wake_ev = event_new(t->base, -1, EV_PERSIST, http_wake_cb, t);
	t->stop_ev = event_new(t->base, -1, 0, stop_cb, t);
	t->drain_ev = event_new(t->base, -1, EV_PERSIST, drain_cb, t);
	yc_logbuf_init(&t->log);
	t->log_ev = event_new(t->base, -1, EV_PERSIST, log_flush_cb, t);
	if (!t->bound || !t->sse || !t->wake_ev || !t->stop_ev || !t->drain_ev || !t->log_ev)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot set up the listener");
	event_add(t->wake_ev, NULL);
	if (cfg->access_log) {
		struct timeval every = {0, ACCESS_LOG_FLUSH_MS * 1000};
		event_add(t->log_ev, &every);
	}
	return 0;
}

static void thread_release(yc_thread *t)
{
	sse_thread_free(t->sse);
	if (t->wake_ev)
		event_free(t->wake_ev);
	if (t->stop_ev)
		event_free(t->stop_ev);
	if (t->drain_ev)
		event_free(t->drain_ev);
	if (t->log_ev)
		event_free(t->log_ev);
	yc_logbuf_release(&t->log);
	if (t->http)
		evhttp_free(t->http);
	if (t->base)
		event_base_free(t->base);
	db_close(t->db);
	pthread_mutex_destroy(&t->lock);
}

/*
 * New outbox events, on the dispatcher thread: to every stream, and a loaded
 * calendar year into this node's calendar (whichever node loaded it).
 */
static void deliver_events(void *arg, db *d, const struct outbox_event *events)
{
	yc_app *app = arg;
	for (const struct outbox_event *e = events; e; e = e->next)
		if (!strcmp(e->topic, "calendar")) {
			yc_err err;
			yc_err_clear(&err);
			if (calendar_load_db(app->cal, d, &err))
				yc_log(YC_LOG_WARN, "calendar reload: %s", err.message);
			break;
		}
	sse_broadcast(app->sse, app->nthreads, events);
}

int http_serve(yc_app *app, yc_err *err)
{
	yc_config *cfg = &app->cfg;
	struct sockaddr_storage ss;
	socklen_t len;
	bool loopback = false;
	int rc = parse_listen(cfg->listen, &ss, &len, &loopback, err);
	if (rc)
		return rc;
	int nthreads = cfg->threads > 0 ? (int)cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;

	if (conn_init(cfg->header_timeout_s, cfg->timeout_s))
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot allocate the connection table");
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	yc_thread *threads = calloc((size_t)nthreads, sizeof(*threads));
	if (!threads)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int started = 0;
	for (int i = 0; i < nthreads; i++) {
		threads[i].idx = i;
		threads[i].app = app;
		int fd = open_listener(&ss, len, err);
		if (fd < 0) {
			rc = fd;
			goto out;
		}
		if (i == 0) {
			/* Port 0 picks a free port: the other threads join the same one. */
			getsockname(fd, (struct sockaddr *)&ss, &len);
		}
		if ((rc = thread_setup(&threads[i], fd, err))) {
			close(fd);
			goto out;
		}
	}
	char host[INET6_ADDRSTRLEN + 2] = "";
	int port;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		char tmp[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &a6->sin6_addr, tmp, sizeof(tmp));
		snprintf(host, sizeof(host), "[%s]", tmp);
		port = ntohs(a6->sin6_port);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		port = ntohs(a4->sin_port);
	}
	/* Live events: the dispatcher follows the outbox and feeds every thread's hub. */
	struct sse_thread *hubs[THREADS_MAX];
	for (int i = 0; i < nthreads && i < THREADS_MAX; i++)
		hubs[i] = threads[i].sse;
	app->sse = hubs;
	app->nthreads = nthreads;
	struct outbox_dispatcher *dispatcher = NULL;
	if ((rc = outbox_dispatcher_start(cfg->db, app->kick[0], deliver_events, app, &dispatcher,
					  err)))
		goto out;
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i])) {
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "cannot start a listener thread");
			break;
		}
		started++;
	}
	if (!rc) {
		printf("yichuang: serving http://%s:%d/ with %d threads (%s store)\n", host, port,
		       nthreads, app->backend);
		fflush(stdout);
		yc_log(YC_LOG_INFO, "listening on %s:%d, %d threads", host, port, nthreads);
		int sig = 0;
		sigwait(&stop_signals, &sig);
		yc_log(YC_LOG_INFO, "signal %d: finishing in-flight requests", sig);
	}
	for (int i = 0; i < started; i++)
		event_active(threads[i].stop_ev, EV_READ, 0);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i].tid, NULL);
	outbox_dispatcher_stop(dispatcher);
out:
	for (int i = 0; i < nthreads; i++)
		thread_release(&threads[i]);
	free(threads);
	conn_release();
	return rc;
}
