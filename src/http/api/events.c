/*
 * api/events.c — GET /api/v1/events: live events as Server-Sent Events.
 * ?topics=item,calendar (default: all). Case events reach staff in scope
 * only (sse.h): a supervisor all, a clerk their office's, an approver their
 * department's and their own; the public gets the rest. A reconnecting client sends
 * Last-Event-ID (or ?last_event_id=) and first gets what it missed, from the
 * outbox table, in order; then live events follow without gaps or repeats.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "http/router.h"
#include "http/sse.h"
#include "lib/banned.h"

/* The topics parameter (?topics=cases,hall): its longest, with its NUL. */
enum { TOPICS_MAX = 256 };

enum { REPLAY_MAX = 1000 };

static int parse_topics(yc_req *r, unsigned *mask)
{
	const char *list = http_query(r, "topics");
	if (!list || !*list) {
		*mask = SSE_ALL_TOPICS;
		return 0;
	}
	*mask = 0;
	char buf[TOPICS_MAX];
	if (strlen(list) >= sizeof(buf))
		return yc_err_set(&r->err, YC_EINVAL, "topics", "topics is too long");
	memcpy(buf, list, strlen(list) + 1);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned bit = sse_topic_bit(t);
		if (!bit)
			return yc_err_set(&r->err, YC_EINVAL, "topics", "unknown topic '%s'", t);
		*mask |= bit;
	}
	return 0;
}

/* The case events this caller may see: staff in scope (sse.h); nobody else. */
static void caller_scope(const yc_req *r, struct sse_scope *scope)
{
	memset(scope, 0, sizeof(*scope));
	if (!r->authed)
		return;
	switch (r->user.role) {
	case ROLE_SUPERVISOR:
	case ROLE_ADMIN:
		scope->all = true;
		break;
	case ROLE_CLERK:
		snprintf(scope->office, sizeof(scope->office), "%s", r->user.office);
		break;
	case ROLE_APPROVER:
		snprintf(scope->department, sizeof(scope->department), "%s", r->user.department);
		snprintf(scope->username, sizeof(scope->username), "%s", r->user.username);
		break;
	}
}

int api_events_stream(yc_req *r, unsigned topics, const char *prefix)
{
	int rc;
	struct sse_scope scope;
	caller_scope(r, &scope);
	const char *last = http_req_header(r, "Last-Event-ID");
	if (!last)
		last = http_query(r, "last_event_id");
	int64_t after;
	struct outbox_event *replay = NULL;
	if (last) {
		char *end;
		errno = 0;
		long long v = strtoll(last, &end, 10);
		if (errno || end == last || *end || v < 0)
			return yc_err_set(&r->err, YC_EINVAL, "Last-Event-ID", "Last-Event-ID must be an event id");
		int64_t upto;
		if ((rc = outbox_read(r->db, v, REPLAY_MAX, &replay, &upto, &r->err)))
			return rc;
		after = upto;
	} else {
		after = outbox_last_id(r->db);
	}
	const char *peer = http_peer_net(r);
	int admitted = sse_admit(peer, (int)r->app->cfg.streams_per_address,
				 (int)r->app->cfg.streams_max);
	if (admitted) {
		outbox_free(replay);
		http_header(r, "Retry-After", "30");
		return yc_err_set(&r->err, admitted == -1 ? YC_ERATE : YC_EUNAVAIL, NULL,
				  admitted == -1 ? "too many live streams from this address"
						 : "this node holds all the live streams it can");
	}
	rc = sse_stream_start(http_sse(r), r->ev, topics, prefix, &scope, peer, after, replay);
	outbox_free(replay);
	if (rc) {
		sse_release(peer);
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	}
	http_detach(r, 200);
	return 0;
}

int api_events_get(yc_req *r)
{
	unsigned topics;
	int rc = parse_topics(r, &topics);
	if (rc)
		return rc;
	bool staff = r->authed && r->user.role != ROLE_APPLICANT;
	if (!staff && topics != SSE_ALL_TOPICS &&
	    (topics & (sse_topic_bit("case") | sse_topic_bit("process") | sse_topic_bit("review"))))
		return yc_err_set(&r->err, r->authed ? YC_EFORBIDDEN : YC_EAUTH, "topics",
				  "case events are for staff, each of their own cases");
	return api_events_stream(r, topics, NULL);
}
