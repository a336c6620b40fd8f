/* static.c — static files from the web root: regular files only, opened without blocking. */
#include "http/server.h"
#include "http/internal.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/router.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

int http_serve_static(yc_req *r, int method)
{
	r->route = YC_ROUTE_STATIC;
	if (method != M_GET && method != M_HEAD)
		return yc_err_set(&r->err, YC_EMETHOD, NULL, NULL);
	if (!r->app->web_root[0] || strstr(r->path, "/.") || strstr(r->path, ".."))
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	char want[PATH_MAX], real[PATH_MAX];
	size_t plen = strlen(r->path);
	int n = snprintf(want, sizeof(want), "%s%s%s", r->app->web_root, r->path,
			 r->path[plen - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(want) || !realpath(want, real))
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	size_t rl = strlen(r->app->web_root);
	if (strncmp(real, r->app->web_root, rl) != 0 || real[rl] != '/')
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	/* non-blocking: a FIFO (or a device) in the web root would otherwise hold the thread
	 * until a writer came; only regular files are served */
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	}
	struct evbuffer *b = evbuffer_new();
	if (method == M_HEAD) {
		close(fd);
	} else if (evbuffer_add_file(b, fd, 0, st.st_size)) {
		evbuffer_free(b);
		return yc_err_set(&r->err, YC_EIO, NULL, NULL);
	}
	http_header(r, "Content-Type", content_type(real));
	http_header(r, "Cache-Control", "no-cache");
	if (!strcmp(content_type(real), "text/html; charset=utf-8")) {
		http_header(r, "Content-Security-Policy",
			    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
			    "frame-ancestors 'none'");
		http_header(r, "Referrer-Policy", "no-referrer");
	}
	http_send_reply(r, 200, b);
	evbuffer_free(b);
	return 0;
}
