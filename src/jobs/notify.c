/* jobs/notify.c — notification gateways (see notify.h). */
#include "jobs/notify.h"

#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/common/ids.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/banned.h"

enum { GATEWAY_TIMEOUT_MS = 3000 };

/* Waits for fd to be ready for events; false on timeout or error. */
static bool wait_fd(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	return poll(&p, 1, GATEWAY_TIMEOUT_MS) == 1 && !(p.revents & (POLLERR | POLLNVAL));
}

/* POSTs body to an http:// URL; true on a 2xx status. */
static bool http_post(const char *url, const char *body)
{
	char host[128], port[8] = "80";
	const char *path = "/";
	if (strncmp(url, "http://", 7))
		return false;
	const char *h = url + 7, *slash = strchr(h, '/');
	size_t hl = slash ? (size_t)(slash - h) : strlen(h);
	if (slash)
		path = slash;
	if (hl == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	char *colon = strrchr(host, ':');
	if (colon) {
		snprintf(port, sizeof(port), "%s", colon + 1);
		*colon = '\0';
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	if (getaddrinfo(host, port, &hints, &ai) || !ai)
		return false;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool ok = false;
	if (fd >= 0 && (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || wait_fd(fd, POLLOUT))) {
		yc_buf req;
		yc_buf_init(&req, 0);
		yc_buf_addf(&req,
			    "POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\n"
			    "Content-Length: %zu\r\n\r\n%s",
			    path, host, strlen(body), body);
		size_t off = 0;
		while (off < req.len && wait_fd(fd, POLLOUT)) {
			ssize_t n = send(fd, req.data + off, req.len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		char status[16] = "";
		if (off == req.len && wait_fd(fd, POLLIN)) {
			ssize_t n = recv(fd, status, sizeof(status) - 1, 0);
			if (n > 0)
				status[n] = '\0';
		}
		/* "HTTP/1.x 2yz" */
		ok = strlen(status) >= 10 && !strncmp(status, "HTTP/1.", 7) && status[9] == '2';
		yc_buf_release(&req);
	}
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return ok;
}

enum notify_outcome notify_deliver(const char *sms_url, const struct notification *n)
{
	char masked[24];
	ids_mask_phone(n->phone, masked, sizeof(masked));
	if (!sms_url || !*sms_url) {
		yc_log(YC_LOG_INFO, "notification %lld by %s to %s (%s): %s", (long long)n->id,
		       n->channel, n->recipient, masked[0] ? masked : "no phone", n->text);
		return NOTIFY_SENT;
	}
	if (!n->phone[0]) {
		yc_log(YC_LOG_INFO, "notification %lld: %s has no phone on record",
		       (long long)n->id, n->recipient);
		return NOTIFY_UNDELIVERABLE;
	}
	yc_buf body;
	yc_buf_init(&body, 0);
	yc_buf_adds(&body, "{\"to\":");
	yc_json_add_str(&body, n->phone);
	yc_buf_adds(&body, ",\"text\":");
	yc_json_add_str(&body, n->text);
	yc_buf_addc(&body, '}');
	bool ok = http_post(sms_url, body.data);
	yc_buf_release(&body);
	if (!ok)
		yc_log(YC_LOG_WARN, "notification %lld: the SMS gateway did not take it",
		       (long long)n->id);
	return ok ? NOTIFY_SENT : NOTIFY_RETRY;
}
