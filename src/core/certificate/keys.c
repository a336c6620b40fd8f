/*
 * keys.c — the district's signing keys: the root, each issuing department's
 * key with an X.509 certificate from the root, rotation and compromise.
 *
 * Private keys are stored as encrypted PKCS#8 under the keyring's passphrase
 * (a file of 64 random hex digits beside the store, mode 0600, that every
 * node of a cluster is given and the store never holds). Opened keys are kept
 * in the context's cache by key id, so a signature costs one SM2 operation.
 * An owner has one current key (retired_ms NULL; a unique index keeps it so);
 * a new one is made under the owner's lock the first time it is needed.
 */
#include "core/certificate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/audit.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { KEYCACHE_MAX = 256, ROOT_YEARS = 20 };
#define YEAR_MS (365LL * 86400000)

struct cert_keycache {
	pthread_mutex_t lock;
	int n;
	char kid[KEYCACHE_MAX][17];
	yc_sm2_key *key[KEYCACHE_MAX];
};

struct cert_keycache *cert_keycache_new(void)
{
	struct cert_keycache *k = calloc(1, sizeof(*k));
	if (k)
		pthread_mutex_init(&k->lock, NULL);
	return k;
}

void cert_keycache_free(struct cert_keycache *k)
{
	if (!k)
		return;
	for (int i = 0; i < k->n; i++)
		yc_sm2_key_free(k->key[i]);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* Writes a new random passphrase at path, atomically: another process may be making it too. */
static int keyring_make(const char *path, yc_err *err)
{
	char hex[65], tmp[320];
	if (yc_random_hex(hex, 32))
		return yc_err_set(err, YC_EINTERNAL, "keyring", "no randomness");
	hex[64] = '\n';
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return yc_err_set(err, YC_EIO, "keyring", "cannot create %s: %s", tmp,
				  strerror(errno));
	bool ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
	close(fd);
	/* link() fails when the file exists: then the other maker's passphrase is the one */
	if (ok && link(tmp, path) && errno != EEXIST)
		ok = false;
	unlink(tmp);
	return ok ? 0 : yc_err_set(err, YC_EIO, "keyring", "cannot write %s", path);
}

int cert_keyring_open(const char *path, bool create, char pass[CERT_PASSPHRASE_MAX], yc_err *err)
{
	struct stat st;
	if (stat(path, &st) && errno == ENOENT && create) {
		int rc = keyring_make(path, err);
		if (rc)
			return rc;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return yc_err_set(err, YC_EIO, "keyring", "cannot read the keyring %s: %s", path,
				  strerror(errno));
	ssize_t n = read(fd, pass, CERT_PASSPHRASE_MAX - 1);
	close(fd);
	if (n <= 0)
		return yc_err_set(err, YC_EIO, "keyring", "the keyring %s is empty", path);
	pass[n] = '\0';
	pass[strcspn(pass, "\r\n")] = '\0';
	if (strlen(pass) < 32)
		return yc_err_set(err, YC_EINVAL, "keyring",
				  "the keyring %s holds fewer than 32 characters", path);
	return 0;
}

static int64_t now_of(const struct cert_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

/* The private key of kid, opened (and kept in the cache when there is one). */
static int key_open(db *d, const struct cert_ctx *c, const char *kid, yc_sm2_key **out, bool *owned,
		    yc_err *err)
{
	struct cert_keycache *k = c->cache;
	*owned = k == NULL;
	if (k) {
		pthread_mutex_lock(&k->lock);
		for (int i = 0; i < k->n; i++)
			if (!strcmp(k->kid[i], kid)) {
				*out = k->key[i];
				pthread_mutex_unlock(&k->lock);
				return 0;
			}
		pthread_mutex_unlock(&k->lock);
	}
	if (strlen(c->passphrase) < 32)
		return yc_err_set(err, YC_EINTERNAL, "keyring", "the keyring is not open");
	char *pem = NULL;
	db_stmt *st = db_prepare(d, "SELECT private_pem FROM cert_keys WHERE kid = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, kid);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		pem = strdup(db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !pem) {
		free(pem);
		return yc_err_set(err, YC_ENOTFOUND, "kid", "no key %s", kid);
	}
	rc = yc_sm2_private_load(pem, c->passphrase, out, err);
	free(pem);
	if (rc)
		return rc;
	if (k) {
		pthread_mutex_lock(&k->lock);
		if (k->n < KEYCACHE_MAX) {
			snprintf(k->kid[k->n], 17, "%s", kid);
			k->key[k->n++] = *out;
		} else {
			*owned = true;
		}
		pthread_mutex_unlock(&k->lock);
	}
	return 0;
}

/* Owner's name and credit code for its certificate's subject. */
static int owner_names(db *d, const struct cert_ctx *c, const char *owner, char *name, size_t nsize,
		       char *code, size_t csize, yc_err *err)
{
	if (!strcmp(owner, "root")) {
		snprintf(name, nsize, "一窗电子证照根证书（%s）", c->region);
		code[0] = '\0';
		return 0;
	}
	int rc = cert_issuer_of(d, owner, name, nsize, code, csize, err);
	return rc == YC_EINVAL ? yc_err_set(err, YC_ENOTFOUND, "department",
					    "%s issues no certificates (no credit code)", owner)
			       : rc;
}

/* owner's current key: kid (and its certificate when cert is given), DB_ROW or DB_DONE. */
static int key_find(db *d, const char *owner, char kid[17], yc_buf *cert, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT kid, cert_pem FROM cert_keys"
				 " WHERE owner = ? AND retired_ms IS NULL",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, owner);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, kid, 17);
		if (cert)
			yc_buf_adds(cert, db_col_text(st, 1));
	}
	db_done(st);
	return rc;
}

/* Makes a key for owner, certified by the root (itself for the root), and stores it. */
static int key_make(db *d, const struct cert_ctx *c, const char *owner, char kid[17], yc_err *err)
{
	yc_sm2_key *root = NULL, *k = NULL;
	bool root_owned = false;
	char name[200], code[40], root_kid[17] = "";
	yc_buf root_pem, pem, priv;
	yc_buf_init(&root_pem, 0);
	yc_buf_init(&pem, 0);
	yc_buf_init(&priv, 0);
	bool is_root = !strcmp(owner, "root");
	int64_t now = now_of(c);
	if (strlen(c->passphrase) < 32) /* never a key stored under no passphrase */
		return yc_err_set(err, YC_EINTERNAL, "keyring", "the keyring is not open");
	int rc = owner_names(d, c, owner, name, sizeof(name), code, sizeof(code), err);
	if (!rc && !is_root) {
		if ((rc = cert_key_current(d, c, "root", root_kid, err)) == 0 &&
		    (rc = key_find(d, "root", root_kid, &root_pem, err)) == DB_ROW)
			rc = key_open(d, c, root_kid, &root, &root_owned, err);
		else if (rc == DB_DONE)
			rc = yc_err_set(err, YC_EINTERNAL, "kid", "the root key went missing");
	}
	if (!rc)
		rc = yc_sm2_generate(&k, err);
	struct yc_x509_spec spec = {
		.common_name = name,
		.org = is_root ? NULL : name,
		.org_code = code,
		.serial = now,
		.not_before_s = now / 1000 - 60,
		.not_after_s = (now + (is_root ? ROOT_YEARS : c->key_years) * YEAR_MS) / 1000,
		.ca = is_root,
	};
	if (!rc)
		rc = yc_x509_issue(k, &spec, is_root ? NULL : root, is_root ? NULL : root_pem.data,
				   &pem, err);
	if (!rc)
		rc = yc_x509_key_id(pem.data, kid, err);
	if (!rc)
		rc = yc_sm2_private_pem(k, c->passphrase, &priv, err);
	if (!rc)
		rc = db_run(d, err,
			    "INSERT INTO cert_keys (kid, owner, private_pem, cert_pem, created_ms,"
			    " not_after_ms) VALUES (?, ?, ?, ?, ?, ?)",
			    "ssssii", kid, owner, priv.data, pem.data, now,
			    spec.not_after_s * 1000);
	if (!rc) {
		char after[96];
		snprintf(after, sizeof(after), "{\"owner\":\"%s\",\"kid\":\"%s\"}", owner, kid);
		rc = audit_append(d, &audit_system_actor, "cert.key.make", kid, NULL, NULL, after,
				  err);
	}
	if (root_owned)
		yc_sm2_key_free(root);
	yc_sm2_key_free(k);
	yc_buf_release(&root_pem);
	yc_buf_release(&pem);
	yc_buf_release(&priv);
	return rc;
}

int cert_key_current(db *d, const struct cert_ctx *c, const char *owner, char kid[17], yc_err *err)
{
	int rc = key_find(d, owner, kid, NULL, err);
	if (rc != DB_DONE)
		return rc == DB_ROW ? 0 : rc;
	if (!db_writing(d)) /* a reader cannot make one */
		return yc_err_set(err, YC_ENOTFOUND, "kid", "%s has no signing key yet", owner);
	/* none yet: made once, under the owner's lock (another node may be making it) */
	char lock[48];
	snprintf(lock, sizeof(lock), "cert-key:%s", owner);
	if ((rc = db_lock(d, lock, err)))
		return rc;
	rc = key_find(d, owner, kid, NULL, err);
	if (rc != DB_DONE)
		return rc == DB_ROW ? 0 : rc;
	return key_make(d, c, owner, kid, err);
}

int cert_signing_key(db *d, const struct cert_ctx *c, const char *owner, char kid[17],
		     yc_sm2_key **key, bool *owned, yc_err *err)
{
	int rc = cert_key_current(d, c, owner, kid, err);
	return rc ? rc : key_open(d, c, kid, key, owned, err);
}

int cert_sign(db *d, const struct cert_ctx *c, const char *owner, const void *p, size_t n,
	      char kid[17], yc_buf *sig, yc_err *err)
{
	yc_sm2_key *k = NULL;
	bool owned = false;
	int rc = cert_signing_key(d, c, owner, kid, &k, &owned, err);
	unsigned char der[YC_SM2_SIG_MAX];
	size_t len = 0;
	if (!rc)
		rc = yc_sm2_sign(k, p, n, der, &len, err);
	if (!rc)
		yc_base64_add(sig, der, len);
	if (owned)
		yc_sm2_key_free(k);
	return rc;
}

int cert_key_rotate(db *d, const struct cert_ctx *c, const yc_user *actor, const char *owner,
		    yc_buf *out, yc_err *err)
{
	char lock[48], old[17] = "", kid[17];
	snprintf(lock, sizeof(lock), "cert-key:%s", owner);
	int rc = db_lock(d, lock, err);
	if (!rc && strcmp(owner, "root")) {
		char name[200], code[40];
		rc = owner_names(d, c, owner, name, sizeof(name), code, sizeof(code), err);
	}
	if (rc)
		return rc;
	if ((rc = key_find(d, owner, old, NULL, err)) < 0)
		return rc;
	int64_t now = now_of(c);
	if (old[0] && (rc = db_run(d, err, "UPDATE cert_keys SET retired_ms = ? WHERE kid = ?",
				   "is", now, old)))
		return rc;
	if ((rc = key_make(d, c, owner, kid, err)))
		return rc;
	yc_actor a = {actor->username, account_role_name(actor->role)};
	char after[128];
	snprintf(after, sizeof(after), "{\"owner\":\"%s\",\"old\":\"%s\",\"new\":\"%s\"}", owner,
		 old, kid);
	if ((rc = audit_append(d, &a, "cert.key.rotate", owner, NULL, NULL, after, err)))
		return rc;
	yc_buf_addf(out, "{\"owner\":");
	yc_json_add_str(out, owner);
	yc_buf_addf(out, ",\"kid\":\"%s\",\"retired\":", kid);
	if (old[0])
		yc_buf_addf(out, "\"%s\"}", old);
	else
		yc_buf_adds(out, "null}");
	return 0;
}

int cert_key_compromise(db *d, const struct cert_ctx *c, const yc_user *actor, const char *kid,
			int64_t at_ms, yc_buf *out, yc_err *err)
{
	char owner[40] = "";
	int64_t retired = 0;
	int rc = db_get(d, err, "SELECT owner, retired_ms FROM cert_keys WHERE kid = ?", "s", "tI",
			kid, owner, sizeof(owner), &retired);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "kid", "no key %s", kid);
	if (!strcmp(owner, "root"))
		return yc_err_set(err, YC_EINVAL, "kid",
				  "a compromised root is replaced by a new trust list, not here");
	int64_t now = now_of(c);
	if (at_ms <= 0 || at_ms > now)
		return yc_err_set(err, YC_EINVAL, "since", "since is a moment in the past");
	/* the owner gets a new key when its current one is the one compromised */
	char current[17] = "";
	if (!retired && (rc = key_find(d, owner, current, NULL, err)) < 0)
		return rc;
	if (current[0]) {
		yc_buf ignored;
		yc_buf_init(&ignored, 0);
		rc = cert_key_rotate(d, c, actor, owner, &ignored, err);
		yc_buf_release(&ignored);
		if (rc)
			return rc;
	}
	if ((rc = db_run(d, err, "UPDATE cert_keys SET compromised_ms = ? WHERE kid = ?", "is",
			 at_ms, kid)))
		return rc;
	db_stmt *st = db_prepare(d,
				 "UPDATE certificates SET state = 'revoked', changed_ms = ?,"
				 " reason = 'key-compromise' WHERE kid = ? AND issued_ms >= ?"
				 " AND state = 'issued' RETURNING 1",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, kid);
	db_bind_int(st, 3, at_ms);
	int64_t revoked = 0;
	rc = db_count_rows(st, &revoked, err);
	db_done(st);
	if (rc)
		return rc;
	yc_actor a = {actor->username, account_role_name(actor->role)};
	char after[128];
	snprintf(after, sizeof(after), "{\"since\":%lld,\"revoked\":%lld}", (long long)at_ms,
		 (long long)revoked);
	if ((rc = audit_append(d, &a, "cert.key.compromise", kid, NULL, NULL, after, err)))
		return rc;
	yc_buf_addf(out, "{\"kid\":\"%s\",\"revoked\":%lld}", kid, (long long)revoked);
	return 0;
}

int cert_trust_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT kid, owner, cert_pem, created_ms, not_after_ms,"
				 " COALESCE(retired_ms, 0), COALESCE(compromised_ms, 0)"
				 " FROM cert_keys ORDER BY owner <> 'root', owner, created_ms",
				 err);
	if (!st)
		return db_failed(err);
	yc_buf_adds(out, "{\"format\":\"yichuang-trust/1\",\"algorithm\":\"SM2-with-SM3\","
			 "\"sm2_id\":\"" YC_SM2_ID "\",\"keys\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char hex[131];
		yc_err e2;
		if (yc_x509_public_hex(db_col_text(st, 2), hex, &e2))
			continue;
		yc_buf_adds(out, n++ ? ",{\"kid\":" : "{\"kid\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"owner\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_addf(out, ",\"public_key\":\"%s\",\"created_ms\":%lld,\"not_after_ms\":%lld",
			    hex, (long long)db_col_int(st, 3), (long long)db_col_int(st, 4));
		int64_t retired = db_col_int(st, 5), bad = db_col_int(st, 6);
		if (retired)
			yc_buf_addf(out, ",\"retired_ms\":%lld", (long long)retired);
		if (bad)
			yc_buf_addf(out, ",\"compromised_ms\":%lld", (long long)bad);
		yc_buf_adds(out, ",\"cert_pem\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, "}");
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int cert_keys_setup(db *d, const struct cert_ctx *c, int *made, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT i.department FROM cert_issuers i WHERE NOT EXISTS"
				 " (SELECT 1 FROM cert_keys k WHERE k.owner = i.department)"
				 " ORDER BY i.department",
				 err);
	if (!st)
		return db_failed(err);
	char owners[64][40];
	int n = 0, rc;
	while (n < 64 && (rc = db_step(st, err)) == DB_ROW)
		db_col_copy(st, 0, owners[n++], 40);
	db_done(st);
	if (rc < 0)
		return rc;
	*made = 0;
	for (int i = 0; i < n; i++) {
		char kid[17];
		if ((rc = cert_key_current(d, c, owners[i], kid, err)))
			return rc;
		(*made)++;
	}
	return 0;
}

int cert_keys_usable(db *d, const struct cert_ctx *c, yc_err *err)
{
	char kid[17] = "";
	int rc = key_find(d, "root", kid, NULL, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	yc_sm2_key *k = NULL;
	bool owned = false;
	if ((rc = key_open(d, c, kid, &k, &owned, err)))
		return yc_err_set(err, rc, "keyring",
				  "the keyring does not open this store's signing keys (is it the "
				  "file init made, given to every node?)");
	if (owned)
		yc_sm2_key_free(k);
	return 0;
}

int cert_keys_rekey(db *d, const char *old_pass, const char *new_pass, int *n, yc_err *err)
{
	*n = 0;
	if (!strcmp(old_pass, new_pass))
		return 0;
	db_stmt *st = db_prepare(d, "SELECT kid, private_pem FROM cert_keys ORDER BY kid", err);
	if (!st)
		return db_failed(err);
	struct rekeyed {
		char kid[17];
		yc_buf pem;
	} *all = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_sm2_key *k = NULL;
		if ((rc = yc_sm2_private_load(db_col_text(st, 1), old_pass, &k, err)))
			break;
		if (count == cap) {
			cap = cap ? 2 * cap : 64;
			struct rekeyed *grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				yc_sm2_key_free(k);
				rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
				break;
			}
			all = grown;
		}
		db_col_copy(st, 0, all[count].kid, sizeof(all[count].kid));
		yc_buf_init(&all[count].pem, 0);
		rc = yc_sm2_private_pem(k, new_pass, &all[count].pem, err);
		yc_sm2_key_free(k);
		count++;
		if (rc)
			break;
	}
	db_done(st);
	for (size_t i = 0; i < count; i++) {
		if (rc >= 0 && rc != DB_ROW)
			rc = db_run(d, err, "UPDATE cert_keys SET private_pem = ? WHERE kid = ?",
				    "ss", all[i].pem.data, all[i].kid);
		yc_buf_release(&all[i].pem);
	}
	free(all);
	if (rc == DB_DONE)
		rc = 0;
	if (!rc)
		*n = (int)count;
	return rc;
}
