/*
 * http.h — what a route handler sees: the request, its caller, and the ways
 * to answer. Handlers (the files in api/) never write SQL: they call core/ functions,
 * reading through r->db on the listener thread and writing through
 * http_write, which parks the request until the write is durable.
 */
#ifndef YC_HTTP_H
#define YC_HTTP_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/crypto.h"
#include "lib/json.h"

struct calendar;
struct case_ctx;
struct hall_ctx;
struct review_ctx;
struct cert_ctx;
struct insp_ctx;
struct fin_ctx;
struct proc_ctx;
struct train_ctx;
struct court_ctx;
struct ipmed_ctx;
typedef struct yc_app yc_app;
typedef struct yc_thread yc_thread;
typedef struct yc_req yc_req;

/* The sizes of what a request carries, with their NUL. */
enum {
	YC_MAX_PARAMS = 4,	/* parameters in a route's pattern */
	YC_PARAM_MAX = 256,	/* one parameter */
	YC_PATH_MAX = 1024,	/* a decoded path */
	YC_ADDR_MAX = 48,	/* an address, or an IPv6 /64, as text */
	YC_TOKEN_MAX = 80,	/* a session token as a client sends it */
	YC_REQ_ID_MAX = 24,	/* a request's id */
	YC_IDEM_SCOPE_MAX = 40, /* "user:<id>" or "anonymous" */
	YC_IDEM_KEY_MAX = 130,	/* an Idempotency-Key (128 characters) */
};

/* The whole server's shared state; one per process. */
struct yc_app {
	yc_config cfg;
	struct calendar *cal;
	/* each capability's settings and calendar (the application owns them: cli/app.c) */
	const struct case_ctx *cases;
	const struct hall_ctx *hall;
	const struct review_ctx *reviews;
	const struct cert_ctx *certs;
	const struct insp_ctx *insp;
	const struct fin_ctx *fin;
	const struct proc_ctx *proc;
	const struct train_ctx *train;
	const struct court_ctx *court;
	const struct ipmed_ctx *ipmed;
	struct guide_ctx *guide; /* its index is remade as the catalog changes */
	const struct watch_ctx *watch;
	const struct term_ctx *term;
	db_pipeline *pipe;
	int schema_version;
	const char *backend;
	char web_root[PATH_MAX]; /* realpath of cfg.web, or "" when there is no UI folder */
	struct yc_metrics *metrics;
	struct yc_limits *limits; /* what callers may still do (limits.h) */
	struct yc_session_cache *sessions;
	/* live events: one SSE hub per listener thread, fed by the outbox dispatcher */
	struct sse_thread **sse;
	int nthreads;
	int kick[2]; /* pipe: a commit on this node wakes the dispatcher */
};

/* What a write answers: rendered on the writer thread, inside the write's transaction. */
typedef struct yc_reply {
	int status;  /* 0 means 200; 204 sends no body */
	yc_buf body; /* JSON */
} yc_reply;

/*
 * A write. write() runs on the writer thread inside its own savepoint: it
 * makes the change through core/ and renders the answer into out. after(),
 * if any, runs on the listener thread once the change is durable, before
 * the answer is sent (to set a header or update this node's memory).
 * free_arg() releases arg in every case. replayable: the answer may be
 * stored for Idempotency-Key (false for answers that carry a secret).
 */
struct yc_write_ops {
	int (*write)(db *d, void *arg, yc_reply *out, yc_err *err);
	void (*after)(yc_req *r, void *arg);
	void (*free_arg)(void *arg);
	bool replayable;
};

struct yc_req {
	struct evhttp_request *ev; /* NULL once the client has gone */
	yc_app *app;
	yc_thread *thr;
	db *db;		 /* this thread's read handle */
	int route;	 /* index in the route table, or a YC_ROUTE_* slot */
	char path[YC_PATH_MAX]; /* decoded, without the query */
	char params[YC_MAX_PARAMS][YC_PARAM_MAX];
	struct evkeyvalq query;
	bool has_query;
	cJSON *body;
	/* the caller */
	char peer_net[YC_ADDR_MAX]; /* http_peer_net's answer, once asked */
	bool authed;
	bool cookie_auth;
	yc_user user;
	char token[YC_TOKEN_MAX];
	char csrf[YC_SHA256_HEX];
	char id[YC_REQ_ID_MAX];
	int64_t start_us;
	int status;
	yc_err err;
	/* a parked write */
	db_mutation m;
	const struct yc_write_ops *ops;
	void *write_arg;
	yc_reply reply;
	/* Idempotency-Key of a POST: scope, key and the request's hash ("" when none) */
	char idem_scope[YC_IDEM_SCOPE_MAX];
	char idem_key[YC_IDEM_KEY_MAX];
	char idem_hash[YC_SHA256_HEX];
	yc_req *next;
};

/* The caller as the audit log names it. */
yc_actor http_actor(const yc_req *r);

/* Answers with a JSON body (taken as text) and finishes the request. */
void http_reply(yc_req *r, int status, const yc_buf *body);
void http_reply_str(yc_req *r, int status, const char *json);
/* Answers with len bytes (set Content-Type first with http_header; JSON otherwise). */
void http_reply_bytes(yc_req *r, int status, const void *data, size_t len);
/*
 * The end of a read: with rc 0, answers 200 with the JSON in b; releases b
 * either way and returns rc (a failure is answered by the dispatcher).
 */
int http_reply_read(yc_req *r, int rc, yc_buf *b);
/*
 * An import refused whole: 422 {"error":{code "invalid", field, message "N of the rows are
 * bad: nothing was imported", "rows": rows}}, rows a JSON array (each {row, field,
 * message}). Returns 0.
 */
int http_reply_bad_rows(yc_req *r, int bad, const char *field, const yc_buf *rows);
/* Answers with r->err (or code's default) as {"error":{…}}. Returns 0. */
int http_reply_error(yc_req *r, int code);
/* Adds a response header (before replying). */
void http_header(yc_req *r, const char *name, const char *value);

/* A query parameter, or NULL. */
const char *http_query(yc_req *r, const char *name);
/* A request header, or NULL. */
const char *http_req_header(yc_req *r, const char *name);
/* The client's address (for throttling; never logged with personal data). */
const char *http_peer(yc_req *r);
/*
 * The caller's network, as the per-address budgets count it: an IPv4
 * address, or the /64 an IPv6 address is in (one subscriber's usual share:
 * a host may take any address in it).
 */
const char *http_peer_net(yc_req *r);
/* Whether the caller is on this machine (127.0.0.0/8 or ::1). */
bool http_peer_loopback(yc_req *r);
/* Whether this server listens on a loopback address only. */
bool http_listen_loopback(const yc_app *app);

/*
 * Hands a write to the pipeline and parks the request; it is answered with
 * the rendered reply once durable, or with the error. Takes ownership of arg
 * (ops->free_arg releases it). Returns 0.
 */
int http_write(yc_req *r, const struct yc_write_ops *ops, void *arg);

/*
 * A write call: what most writes carry from the request to the writer
 * thread, so that a write handler is one function, run. It holds the
 * caller, the path's parameters, the JSON body (taken from the request),
 * one number the handler parsed (n), and what the handler prepared on the
 * listener thread (prep, freed with prep_free). run makes the change
 * through core/ and renders the answer, as yc_write_ops' write does.
 */
struct yc_call;
typedef int (*yc_call_fn)(db *d, const struct yc_call *c, yc_reply *out, yc_err *err);
struct yc_call {
	const yc_app *app; /* its contexts (app->cases, app->hall) outlive every write */
	yc_user user;	   /* the caller, when authed */
	bool authed;
	char params[YC_MAX_PARAMS][YC_PARAM_MAX];
	cJSON *body;
	int64_t n;
	void *prep;
	void (*prep_free)(void *prep);
	yc_call_fn run;
};

/* The call's caller, or NULL when the request came without a session. */
const yc_user *http_call_user(const struct yc_call *c);
/* A call made from r that will run run; NULL with r->err set when out of memory. */
struct yc_call *http_call_new(yc_req *r, yc_call_fn run);
/*
 * Hands the call to the writer (http_write); replayable as yc_write_ops'.
 * Takes ownership of c. Returns 0.
 */
int http_call_send(yc_req *r, struct yc_call *c, bool replayable);
/* The usual write handler's end: a new call with n, sent. Returns 0 or the error set on r. */
int http_call(yc_req *r, yc_call_fn run, int64_t n, bool replayable);

/* The raw request body (routes that take BODY_RAW); borrowed until the answer. */
const unsigned char *http_body(yc_req *r, size_t *len);

/* This request's thread's SSE hub. */
struct sse_thread *http_sse(yc_req *r);
/*
 * Ends the request's bookkeeping (log line, metrics) without answering: the
 * connection now belongs to a stream. status is what the log records.
 */
void http_detach(yc_req *r, int status);

/* Integer query parameter in [lo, hi], def when absent; YC_EINVAL naming it otherwise. */
int http_query_int(yc_req *r, const char *name, int64_t lo, int64_t hi, int64_t def, int64_t *out);

#endif
