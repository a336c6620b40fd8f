/* metrics.c — per-route counters and histograms (see metrics.h). */
#include "metrics.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "http/router.h"
#include "lib/banned.h"

static const double bounds_s[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				  0.025,  0.05,	   0.1,	   0.25,  0.5,	  1,	 2.5};
enum { NB = sizeof(bounds_s) / sizeof(bounds_s[0]) };

struct route_metrics {
	atomic_uint_fast64_t status[6]; /* 1xx…5xx by status/100, [0] unused */
	atomic_uint_fast64_t buckets[NB + 1];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

struct yc_metrics {
	size_t n;
	struct route_metrics *r; /* yc_nroutes + 2 slots: static, none */
};

struct yc_metrics *metrics_new(void)
{
	struct yc_metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->n = yc_nroutes + 2;
	m->r = calloc(m->n, sizeof(*m->r));
	if (!m->r) {
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct yc_metrics *m)
{
	if (m)
		free(m->r);
	free(m);
}

static size_t slot(int route)
{
	if (route == YC_ROUTE_STATIC)
		return yc_nroutes;
	if (route < 0)
		return yc_nroutes + 1;
	return (size_t)route;
}

void metrics_observe(struct yc_metrics *m, int route, int status, int64_t micros)
{
	struct route_metrics *rm = &m->r[slot(route)];
	int cls = status / 100;
	atomic_fetch_add_explicit(&rm->status[cls >= 1 && cls <= 5 ? cls : 5], 1,
				  memory_order_relaxed);
	int b = 0;
	double s = (double)micros / 1e6;
	while (b < NB && s > bounds_s[b])
		b++;
	atomic_fetch_add_explicit(&rm->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&rm->sum_us, (uint_fast64_t)(micros > 0 ? micros : 0),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&rm->count, 1, memory_order_relaxed);
}

static void route_label(size_t i, yc_buf *out)
{
	if (i < yc_nroutes)
		yc_buf_addf(out, "method=\"%s\",route=\"%s\"",
			    router_method_name(yc_routes[i].method), yc_routes[i].pattern);
	else
		yc_buf_addf(out, "method=\"ANY\",route=\"%s\"",
			    i == yc_nroutes ? "static" : "unmatched");
}

void metrics_render(struct yc_metrics *m, db_pipeline *p, yc_buf *out)
{
	yc_buf_adds(out, "# HELP yichuang_requests_total HTTP requests by route and status class.\n"
			 "# TYPE yichuang_requests_total counter\n");
	for (size_t i = 0; i < m->n; i++)
		for (int c = 1; c <= 5; c++) {
			uint64_t v = atomic_load(&m->r[i].status[c]);
			if (!v)
				continue;
			yc_buf_adds(out, "yichuang_requests_total{");
			route_label(i, out);
			yc_buf_addf(out, ",status=\"%dxx\"} %llu\n", c, (unsigned long long)v);
		}
	yc_buf_adds(out, "# HELP yichuang_request_seconds Request latency by route.\n"
			 "# TYPE yichuang_request_seconds histogram\n");
	for (size_t i = 0; i < m->n; i++) {
		uint64_t count = atomic_load(&m->r[i].count);
		if (!count)
			continue;
		uint64_t cum = 0;
		for (int b = 0; b <= NB; b++) {
			cum += atomic_load(&m->r[i].buckets[b]);
			yc_buf_adds(out, "yichuang_request_seconds_bucket{");
			route_label(i, out);
			if (b < NB)
				yc_buf_addf(out, ",le=\"%g\"} %llu\n", bounds_s[b],
					    (unsigned long long)cum);
			else
				yc_buf_addf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		yc_buf_adds(out, "yichuang_request_seconds_sum{");
		route_label(i, out);
		yc_buf_addf(out, "} %.6f\n", (double)atomic_load(&m->r[i].sum_us) / 1e6);
		yc_buf_adds(out, "yichuang_request_seconds_count{");
		route_label(i, out);
		yc_buf_addf(out, "} %llu\n", (unsigned long long)count);
	}
	/*
	 * Where the memory is: a resident size that grows with SQLite's page
	 * caches (bounded by cache_size) is not a leak; one that grows with
	 * malloc's bytes in use is.
	 */
	struct mallinfo2 mi = mallinfo2();
	yc_buf_addf(
		out,
		"# HELP yichuang_sqlite_cache_bytes Bytes of SQLite's page caches, all "
		"connections.\n"
		"# TYPE yichuang_sqlite_cache_bytes gauge\n"
		"yichuang_sqlite_cache_bytes %lld\n"
		"# HELP yichuang_heap_in_use_bytes Bytes malloc has handed out and not had back.\n"
		"# TYPE yichuang_heap_in_use_bytes gauge\n"
		"yichuang_heap_in_use_bytes %zu\n"
		"# HELP yichuang_heap_free_bytes Bytes malloc holds free (not returned to the "
		"system).\n"
		"# TYPE yichuang_heap_free_bytes gauge\n"
		"yichuang_heap_free_bytes %zu\n",
		(long long)db_cache_bytes(), mi.uordblks + mi.hblkhd, mi.fordblks);
	if (!p)
		return;
	struct db_pipeline_stats st;
	db_pipeline_get_stats(p, &st);
	yc_buf_adds(out, "# HELP yichuang_pipeline_batch_size Writes committed per transaction.\n"
			 "# TYPE yichuang_pipeline_batch_size histogram\n");
	uint64_t cum = 0;
	for (int b = 0; b < 11; b++) {
		cum += st.size_buckets[b];
		if (b < 10)
			yc_buf_addf(out, "yichuang_pipeline_batch_size_bucket{le=\"%d\"} %llu\n",
				    1 << b, (unsigned long long)cum);
		else
			yc_buf_addf(out, "yichuang_pipeline_batch_size_bucket{le=\"+Inf\"} %llu\n",
				    (unsigned long long)cum);
	}
	yc_buf_addf(out, "yichuang_pipeline_batch_size_sum %llu\n",
		    (unsigned long long)st.mutations);
	yc_buf_addf(out, "yichuang_pipeline_batch_size_count %llu\n",
		    (unsigned long long)st.batches);
	yc_buf_addf(out,
		    "# HELP yichuang_pipeline_failed_commits_total Batches whose commit failed.\n"
		    "# TYPE yichuang_pipeline_failed_commits_total counter\n"
		    "yichuang_pipeline_failed_commits_total %llu\n"
		    "# HELP yichuang_pipeline_reruns_total Batches run again without queued sends,"
		    " because a queued write failed or its assumption did not hold.\n"
		    "# TYPE yichuang_pipeline_reruns_total counter\n"
		    "yichuang_pipeline_reruns_total %llu\n",
		    (unsigned long long)st.failed_commits, (unsigned long long)st.reruns);
}
