/*
 * Unit tests of 电子证照 (core/certificate): the GB/T 36904 check character
 * (three real identifiers, and every single-character change of them
 * refused), the canonical serialisation, SM2 signatures and the chain,
 * verification against trust and status lists (a list past its next update
 * reads unknown), and the certificate's lifecycle walked by the shared
 * walker — over a real SQLite file with the demo district.
 */
#include <criterion/criterion.h>

#include "../scratch_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/certificate/internal.h"
#include "core/demo/demo.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

static const char *const real_ids[] = {
	"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
	"1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
	"1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
};

Test(certificate, the_real_identifiers_verify)
{
	for (size_t i = 0; i < 3; i++)
		cr_assert(cert_ident_valid(real_ids[i]), "%s", real_ids[i]);
}

Test(certificate, every_single_character_change_is_refused)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.";
	int tried = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(real_ids[i]);
		for (size_t at = 0; at < n; at++)
			for (const char *c = alphabet; *c; c++) {
				if (*c == real_ids[i][at])
					continue;
				char id[CERT_ID_MAX];
				snprintf(id, sizeof(id), "%s", real_ids[i]);
				id[at] = *c;
				cr_assert(!cert_ident_valid(id), "%s passed", id);
				tried++;
			}
	}
	cr_assert_gt(tried, 5000);
}

Test(certificate, an_identifier_is_made_with_its_check_character)
{
	char id[CERT_ID_MAX];
	yc_err err;
	cr_assert_eq(cert_ident_make("11100000000013338W011", "11430000006122244L", "20230000403",
				     1, id, &err),
		     0);
	cr_assert_str_eq(id, real_ids[0]);
	cr_assert_eq(cert_ident_make("11100000000013338W01", "X", "1", 1, id, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "type_code");
	cr_assert_eq(cert_ident_make("11100000000013338W011", "x", "1", 1, id, &err), YC_EINVAL);
	cr_assert_eq(cert_ident_make("11100000000013338W011", "X", "1", 1000, id, &err), YC_EINVAL);
	cr_assert_eq(cert_check_char("ab"), 0);
}

static void canon(const char *json, const char *want, int rc_want)
{
	cJSON *j = cJSON_Parse(json);
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_err err;
	int rc = cert_canonical(j, &b, &err);
	cr_assert_eq(rc, rc_want, "%s: %d %s", json, rc, rc ? err.message : "");
	if (want)
		cr_assert_str_eq(b.data, want);
	yc_buf_release(&b);
	cJSON_Delete(j);
}

Test(certificate, the_canonical_form_sorts_keys_and_escapes_only_quote_and_backslash)
{
	canon("{ \"b\" : \"2\", \"a\": {\"z\":\"\\\"q\\\\\", \"m\":\"营业/执照\"}, \"B\":\"x\" }",
	      "{\"B\":\"x\",\"a\":{\"m\":\"营业/执照\",\"z\":\"\\\"q\\\\\"},\"b\":\"2\"}", 0);
	canon("{}", "{}", 0);
	canon("{\"n\":1}", NULL, YC_EINVAL);
	canon("{\"t\":true}", NULL, YC_EINVAL);
	canon("{\"l\":[\"x\"]}", NULL, YC_EINVAL);
	canon("{\"c\":\"a\\nb\"}", NULL, YC_EINVAL);
	canon("{\"d\":\"\x7f\"}", NULL, YC_EINVAL);
	canon("[]", NULL, YC_EINVAL);
}

Test(certificate, sm2_signs_and_the_chain_holds)
{
	yc_sm2_key *root = NULL, *k = NULL;
	yc_err err;
	cr_assert_eq(yc_sm2_generate(&root, &err), 0);
	cr_assert_eq(yc_sm2_generate(&k, &err), 0);
	int64_t now = yc_now_ms() / 1000;
	struct yc_x509_spec rs = {"根", NULL, NULL, 1, now - 60, now + 86400 * 365, true};
	struct yc_x509_spec ks = {"部门",      "部门", "11371091049301736F", 2, now - 60,
				  now + 86400, false};
	yc_buf rp, kp, other;
	yc_buf_init(&rp, 0);
	yc_buf_init(&kp, 0);
	yc_buf_init(&other, 0);
	cr_assert_eq(yc_x509_issue(root, &rs, NULL, NULL, &rp, &err), 0, "%s", err.message);
	cr_assert_eq(yc_x509_issue(k, &ks, root, rp.data, &kp, &err), 0, "%s", err.message);
	cr_assert_eq(yc_x509_verify(rp.data, kp.data, 0, &err), 0, "%s", err.message);
	cr_assert_eq(yc_x509_verify(rp.data, kp.data, now + 2 * 86400, &err), YC_EAUTH,
		     "a key past its certificate's end");
	/* a certificate the root did not sign */
	cr_assert_eq(yc_x509_issue(k, &ks, k, kp.data, &other, &err), 0);
	cr_assert_eq(yc_x509_verify(rp.data, other.data, 0, &err), YC_EAUTH);
	unsigned char sig[YC_SM2_SIG_MAX];
	size_t len;
	const char msg[] = "{\"holder\":\"张三\"}";
	cr_assert_eq(yc_sm2_sign(k, msg, strlen(msg), sig, &len, &err), 0);
	cr_assert_eq(yc_sm2_verify(kp.data, msg, strlen(msg), sig, len, &err), 0);
	cr_assert_eq(yc_sm2_verify(kp.data, msg, strlen(msg) - 1, sig, len, &err), YC_EAUTH);
	sig[len / 2] ^= 1;
	cr_assert_eq(yc_sm2_verify(kp.data, msg, strlen(msg), sig, len, &err), YC_EAUTH);
	cr_assert_eq(yc_sm2_verify(rp.data, msg, strlen(msg), sig, len, &err), YC_EAUTH);
	/* the private key, encrypted, opens with its passphrase only */
	yc_buf pem;
	yc_buf_init(&pem, 0);
	yc_sm2_key *back = NULL;
	cr_assert_eq(yc_sm2_private_pem(k, "the-passphrase-of-this-test-0123456789", &pem, &err),
		     0);
	cr_assert(strstr(pem.data, "ENCRYPTED PRIVATE KEY"));
	cr_assert_eq(yc_sm2_private_load(pem.data, "another-passphrase", &back, &err), YC_EAUTH);
	cr_assert_eq(yc_sm2_private_load(pem.data, "the-passphrase-of-this-test-0123456789", &back,
					 &err),
		     0);
	yc_sm2_key_free(back);
	yc_buf_release(&pem);
	yc_buf_release(&rp);
	yc_buf_release(&kp);
	yc_buf_release(&other);
	yc_sm2_key_free(root);
	yc_sm2_key_free(k);
}

Test(certificate, base64_round_trips_and_refuses_what_is_not)
{
	unsigned char in[7] = {0, 1, 2, 250, 251, 252, 253}, out[16];
	for (size_t n = 0; n <= sizeof(in); n++) {
		yc_buf b;
		yc_buf_init(&b, 0);
		yc_base64_add(&b, in, n);
		cr_assert_eq(yc_base64_decode(b.data, out, sizeof(out)), (long)n);
		cr_assert_eq(memcmp(in, out, n), 0);
		yc_buf_release(&b);
	}
	cr_assert_eq(yc_base64_decode("abc", out, sizeof(out)), -1);
	cr_assert_eq(yc_base64_decode("a=bc", out, sizeof(out)), -1);
	cr_assert_eq(yc_base64_decode("ab!c", out, sizeof(out)), -1);
}

/* ---- over a store ---------------------------------------------------------------- */

static char path[64];
static db *d;
static struct cert_ctx c;
static yc_user approver;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-cert-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
	c = (struct cert_ctx){.tz_offset_min = 480, .status_hours = 24, .key_years = 3};
	snprintf(c.region, sizeof(c.region), "371091");
	snprintf(c.passphrase, sizeof(c.passphrase), "0123456789abcdef0123456789abcdef");
	c.cache = cert_keycache_new();
	approver = (yc_user){.id = 4, .role = ROLE_APPROVER};
	snprintf(approver.username, sizeof(approver.username), "approver1");
	snprintf(approver.department, sizeof(approver.department), "xzsp");
}

static void teardown(void)
{
	cert_keycache_free(c.cache);
	db_close(d);
	scratch_store_remove(path);
}

/* A 食品经营许可证 of xzsp's, issued now: its id into out. */
static void issue(char *out)
{
	static int serial;
	cJSON *fields = cJSON_Parse("{\"经营项目\":\"预包装食品销售\"}");
	struct cert_draft dr = {
		.type = "food-business-licence",
		.name = "食品经营许可证",
		.type_code = "11100000000013338W104",
		.version = 1,
		.subject_kind = "case",
		.subject = "37109120261204000001",
		.issued_ms = yc_now_ms(),
		.fields = fields,
		.actor = &audit_system_actor,
	};
	snprintf(dr.department, sizeof(dr.department), "xzsp");
	snprintf(dr.serial, sizeof(dr.serial), "2026%06d", ++serial);
	snprintf(dr.holder, sizeof(dr.holder), "威海一窗餐饮店");
	snprintf(dr.holder_id_type, sizeof(dr.holder_id_type), "111");
	snprintf(dr.holder_id, sizeof(dr.holder_id), "371002199001011237");
	snprintf(dr.valid_until, sizeof(dr.valid_until), "2031-12-03");
	snprintf(dr.source, sizeof(dr.source), "case:%s", dr.subject);
	yc_err err;
	cr_assert_eq(cert_issuer_of(d, "xzsp", dr.issuer, sizeof(dr.issuer), dr.issuer_code,
				    sizeof(dr.issuer_code), &err),
		     0, "%s", err.message);
	yc_buf id;
	yc_buf_init(&id, 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(cert_make(d, &c, &dr, &id, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	snprintf(out, CERT_ID_MAX, "%s", id.data);
	yc_buf_release(&id);
	cJSON_Delete(fields);
}

/* The file, trust list and status list as the server gives them. */
static void lists(const char *id, char **file, char **trust, char **status)
{
	yc_user holder = {.id = 0, .role = ROLE_APPLICANT};
	yc_err err;
	yc_buf f, t, s;
	yc_buf_init(&f, 0);
	yc_buf_init(&t, 0);
	yc_buf_init(&s, 0);
	cr_assert_eq(
		db_run(d, NULL, "UPDATE certificates SET holder_user = 2 WHERE id = ?", "s", id),
		0);
	holder.id = 2;
	cr_assert_eq(cert_file_json(d, &holder, id, &f, &err), 0, "%s", err.message);
	cr_assert_eq(cert_trust_json(d, &t, &err), 0);
	cr_assert_eq(cert_status_json(d, &c, &s, &err), 0, "%s", err.message);
	*file = strdup(f.data);
	*trust = strdup(t.data);
	*status = strdup(s.data);
	yc_buf_release(&f);
	yc_buf_release(&t);
	yc_buf_release(&s);
}

static enum cert_verdict verdict_of(const char *file, const char *trust, const char *status,
				    int64_t now)
{
	struct cert_check v;
	yc_err err;
	cr_assert_eq(cert_verify(file, trust, status, now, &v, &err), 0);
	return v.verdict;
}

Test(certificate, verification_against_the_lists, .init = setup, .fini = teardown)
{
	char id[CERT_ID_MAX];
	issue(id);
	cr_assert(cert_ident_valid(id), "%s", id);
	char *file, *trust, *status;
	lists(id, &file, &trust, &status);
	int64_t now = yc_now_ms();
	cr_assert_eq(verdict_of(file, trust, status, now), CV_VALID);
	cr_assert_eq(verdict_of(file, trust, NULL, now), CV_UNKNOWN, "no status list");
	cr_assert_eq(verdict_of(file, trust, status, now + 25 * 3600000LL), CV_UNKNOWN,
		     "a list past its next update is no answer");
	cr_assert_eq(verdict_of("{\"format\":\"x\"}", trust, status, now), CV_MALFORMED);
	cr_assert_eq(verdict_of(file, "{\"keys\":[]}", status, now), CV_UNTRUSTED);
	/* one changed character of the data */
	char *forged = strdup(file), *at = strstr(forged, "威海一窗餐饮店");
	at[0] = 'X', at[1] = 'X', at[2] = 'X';
	cr_assert_eq(verdict_of(forged, trust, status, now), CV_TAMPERED);
	/* a key given twice: refused, not read as jq would read it */
	char *twice = malloc(strlen(file) + 32);
	sprintf(twice, "{\"data\":{},%s", file + 1);
	cr_assert_eq(verdict_of(twice, trust, status, now), CV_MALFORMED);
	free(twice);
	free(forged);
	free(file);
	free(trust);
	free(status);
}

/*
 * A key made in the afternoon (its X.509 notBefore after noon) must verify what it signed
 * that day: the verifier once checked the key at noon of the issue day and refused every
 * such certificate whenever the tests ran after 12:00 Beijing time.
 */
Test(certificate, a_key_made_in_the_afternoon_verifies_what_it_signed_that_day, .init = setup,
     .fini = teardown)
{
	int64_t t = ((int64_t)yc_days_from_civil(2026, 6, 15) * 1440 + 15 * 60 - 480) * 60000;
	yc_clock_set(t);
	char id[CERT_ID_MAX];
	issue(id);
	char *file, *trust, *status;
	lists(id, &file, &trust, &status);
	cr_assert_eq(verdict_of(file, trust, status, t + 60000), CV_VALID);
	yc_clock_set(0);
	free(file);
	free(trust);
	free(status);
}

Test(certificate, a_revoked_one_reads_revoked_with_a_valid_signature, .init = setup,
     .fini = teardown)
{
	char id[CERT_ID_MAX];
	issue(id);
	cJSON *body = cJSON_Parse("{\"reason\":\"许可注销\"}");
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(cert_revoke(d, &c, &approver, id, body, NULL, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	cJSON_Delete(body);
	char *file, *trust, *status;
	lists(id, &file, &trust, &status);
	struct cert_check v;
	cr_assert_eq(cert_verify(file, trust, status, yc_now_ms(), &v, &err), 0);
	cr_assert_eq(v.verdict, CV_REVOKED);
	cr_assert_str_eq(v.reason, "许可注销");
	free(file);
	free(trust);
	free(status);
}

/* ---- the lifecycle ------------------------------------------------------------------ */

static char walked[CERT_ID_MAX];

static bool cert_takes(int action)
{
	(void)action;
	return true;
}

static void cert_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	issue(walked);
	cr_assert_eq(db_run(d, NULL, "UPDATE certificates SET state = ? WHERE id = ?", "ss",
			    lc_state_name(&cert_lifecycle, from), walked),
		     0);
}

static int cert_act(int action, const struct lc_row *row, void *ctx)
{
	(void)ctx, (void)row;
	cJSON *b = cJSON_Parse("{\"reason\":\"走查\"}");
	yc_err err;
	cr_assert_eq(cert_action_check(b, &err), 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = action == CEA_REVOKE ? cert_revoke(d, &c, &approver, walked, b, NULL, &err)
				      : cert_supersede(d, &c, &approver, walked, b, NULL, &err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	cJSON_Delete(b);
	return rc;
}

static int cert_state(void *ctx)
{
	(void)ctx;
	char state[16] = "";
	cr_assert_eq(db_get(d, NULL, "SELECT state FROM certificates WHERE id = ?", "s", "t",
			    walked, state, sizeof(state)),
		     DB_ROW);
	return lc_state(&cert_lifecycle, state);
}

Test(certificate, every_row_moves_and_every_other_pair_refuses, .init = setup, .fini = teardown)
{
	struct lc_walk w = {&cert_lifecycle, cert_takes, cert_set_up, cert_act, cert_state, NULL};
	lc_walk(&w);
}
