/*
 * sign.c — signing a certificate's row. An approval's certificate is stored
 * unsigned and signed as its transaction ends: every certificate the
 * transaction issued (the writer's batch: all the approvals of one group
 * commit) is signed at once on as many threads as the machine has cores,
 * then the signatures are written, all before COMMIT. SM2 signing is the
 * issuing writer's cost (one signature a certificate, over its envelope,
 * some 0.3 ms): on the writer alone it bounds issuance; spread over the
 * cores it scales with them. Nothing unsigned is ever committed: the flush
 * fails the transaction if a signature does.
 */
#include "core/certificate/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/banned.h"

enum { SIGN_THREADS_MAX = 16, CERT_FLUSH_ORDER = FLUSH_CERT_SIGNATURES }; /* core/common/flush.h */

struct pending {
	char id[CERT_ID_MAX], kid[17];
	yc_sm2_key *key; /* the context's cache holds it */
	yc_buf envelope;
	yc_buf sig, qr; /* made by the flush */
	int rc;
};

static void pending_free(void *p)
{
	struct pending *x = p;
	yc_buf_release(&x->envelope);
	yc_buf_release(&x->sig);
	yc_buf_release(&x->qr);
	free(x);
}

/* The signature (base64) and the QR payload: base64url(envelope) "." base64url(signature) "." kid.
 */
static int sign_one(struct pending *x)
{
	yc_err err;
	unsigned char der[YC_SM2_SIG_MAX];
	size_t len = 0;
	int rc = yc_sm2_sign(x->key, x->envelope.data, x->envelope.len, der, &len, &err);
	if (!rc) {
		yc_base64_add(&x->sig, der, len);
		yc_base64url_add(&x->qr, x->envelope.data, x->envelope.len);
		yc_buf_addc(&x->qr, '.');
		yc_base64url_add(&x->qr, der, len);
		yc_buf_addf(&x->qr, ".%s", x->kid);
	}
	return rc;
}

struct slice {
	struct pending **all;
	size_t from, n, step;
};

static void *sign_slice(void *arg)
{
	struct slice *s = arg;
	for (size_t i = s->from; i < s->n; i += s->step)
		s->all[i]->rc = sign_one(s->all[i]);
	return NULL;
}

/* Signs every pending certificate on up to one thread a core, then writes them. */
static int flush(db *d, void **entries, size_t n, yc_err *err)
{
	struct pending **all = (struct pending **)entries;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cores < 1 ? 1 : (size_t)cores;
	if (threads > SIGN_THREADS_MAX)
		threads = SIGN_THREADS_MAX;
	if (threads > n)
		threads = n;
	pthread_t tid[SIGN_THREADS_MAX];
	struct slice sl[SIGN_THREADS_MAX];
	size_t started = 0;
	for (size_t t = 1; t < threads; t++) {
		sl[t] = (struct slice){all, t, n, threads};
		if (pthread_create(&tid[t], NULL, sign_slice, &sl[t]))
			break;
		started = t;
	}
	/* this thread takes slice 0, and every slice no thread could be started for */
	for (size_t i = 0; i < n; i++)
		if (i % threads == 0 || i % threads > started)
			all[i]->rc = sign_one(all[i]);
	for (size_t t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	for (size_t i = 0; i < n; i++) {
		if (all[i]->rc)
			return yc_err_set(err, YC_EINTERNAL, "signature",
					  "certificate %s could not be signed", all[i]->id);
		int rc =
			db_run(d, err, "UPDATE certificates SET signature = ?, qr = ? WHERE id = ?",
			       "sss", all[i]->sig.data, all[i]->qr.data, all[i]->id);
		if (rc)
			return rc;
	}
	return 0;
}

int cert_sign_row(db *d, const char *id, yc_sm2_key *key, const char *kid, const yc_buf *envelope,
		  bool later, yc_err *err)
{
	struct pending *x = calloc(1, sizeof(*x));
	if (!x)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	snprintf(x->id, sizeof(x->id), "%s", id);
	snprintf(x->kid, sizeof(x->kid), "%s", kid);
	x->key = key;
	yc_buf_init(&x->envelope, 0);
	yc_buf_init(&x->sig, 0);
	yc_buf_init(&x->qr, 0);
	yc_buf_add(&x->envelope, envelope->data, envelope->len);
	if (later)
		return db_defer(d, CERT_FLUSH_ORDER, flush, x, pending_free, err);
	void *one[1] = {x};
	int rc = flush(d, one, 1, err);
	pending_free(x);
	return rc;
}
