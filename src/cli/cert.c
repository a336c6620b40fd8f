/*
 * cert.c — the certificate commands: verify a certificate file offline, and
 * print the trust and status lists a verifier is given (证照核验 without our
 * server: the three files and this binary, or stock OpenSSL, docs/certificates.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/certificate/certificate.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { CERT_FILE_MAX = 4 << 20 };

/* The store's lists: the trust list, and the status list signed now (the keyring opens the root).
 */
static int lists_from_store(const char *uri, yc_buf *trust, yc_buf *status, yc_err *err)
{
	yc_config cfg;
	yc_config_defaults(&cfg);
	int rc = yc_config_load_env(&cfg, err);
	if (!rc)
		rc = yc_config_set(&cfg, "db", uri, err);
	struct cert_ctx c = {
		.tz_offset_min = (int)cfg.tz_offset_min,
		.status_hours = (int)cfg.cert_status_hours,
		.key_years = (int)cfg.cert_key_years,
	};
	snprintf(c.region, sizeof(c.region), "%s", cfg.region_code);
	db *d = NULL;
	if (!rc)
		rc = cli_certs_open(&cfg, &c, false, err);
	if (!rc)
		rc = cli_open_existing(uri, &d, err);
	if (!rc && trust)
		rc = cert_trust_json(d, trust, err);
	if (!rc && status)
		rc = cert_status_json(d, &c, status, err);
	db_close(d);
	cert_keycache_free(c.cache);
	return rc;
}

int cmd_cert_verify(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db,trust,status,at", NULL, &a);
	if (rc || a.npos != 1 || (!cli_opt(&a, "db") && !cli_opt(&a, "trust")))
		return EXIT_USAGE;
	int64_t now = yc_now_ms(), at_min;
	if (cli_opt(&a, "at")) {
		if (cli_parse_local_minute(cli_opt(&a, "at"), &at_min))
			return cli_failf("--at is YYYY-MM-DDTHH:MM (local time)",
					 cli_opt(&a, "at"));
		now = (at_min - 8 * 60) * 60000;
	}
	size_t n;
	char *file = cli_read_file(a.pos[0], CERT_FILE_MAX, &n);
	if (!file)
		return cli_failf("cannot read the certificate file", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	yc_buf trust, status;
	yc_buf_init(&trust, 0);
	yc_buf_init(&status, 0);
	char *tfile = NULL, *sfile = NULL;
	if (cli_opt(&a, "trust")) {
		tfile = cli_read_file(cli_opt(&a, "trust"), CERT_FILE_MAX, &n);
		sfile = cli_opt(&a, "status")
				? cli_read_file(cli_opt(&a, "status"), CERT_FILE_MAX, &n)
				: NULL;
		if (!tfile || (cli_opt(&a, "status") && !sfile))
			rc = yc_err_set(&err, YC_EIO, NULL, "cannot read the trust or status list");
	} else {
		rc = lists_from_store(cli_opt(&a, "db"), &trust, &status, &err);
	}
	struct cert_check v;
	if (!rc)
		rc = cert_verify(file, tfile ? tfile : trust.data, tfile ? sfile : status.data, now,
				 &v, &err);
	free(file);
	free(tfile);
	free(sfile);
	yc_buf_release(&trust);
	yc_buf_release(&status);
	if (rc)
		return cli_fail(&err);
	printf("%s: %s %s\n", cert_verdict_name(v.verdict), v.name, v.id);
	if (v.status_at[0])
		printf("  on %s: %s\n", v.status_at, v.reason);
	printf("  %s\n", v.why);
	return v.verdict == CV_VALID ? 0 : 1;
}

/* cert trust / cert status: the lists as the server publishes them, for offline verifiers. */
static int print_list(int argc, char **argv, bool trust)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || a.npos || !cli_opt(&a, "db"))
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = lists_from_store(cli_opt(&a, "db"), trust ? &b : NULL, trust ? NULL : &b, &err);
	if (!rc)
		printf("%s\n", b.data);
	yc_buf_release(&b);
	return rc ? cli_fail(&err) : 0;
}

int cmd_cert_trust(int argc, char **argv)
{
	return print_list(argc, argv, true);
}

int cmd_cert_status(int argc, char **argv)
{
	return print_list(argc, argv, false);
}

/* Operations a second of f over the bytes for secs seconds. */
static double per_second(int (*f)(void *), void *arg, double secs)
{
	int64_t t0 = yc_mono_us(), n = 0, until = t0 + (int64_t)(secs * 1e6);
	while (yc_mono_us() < until) {
		for (int i = 0; i < 16; i++)
			if (f(arg))
				return -1;
		n += 16;
	}
	return (double)n * 1e6 / (double)(yc_mono_us() - t0);
}

struct bench_sm2 {
	yc_sm2_key *key, *pub;
	const char *pem;
	yc_buf bytes;
	unsigned char sig[YC_SM2_SIG_MAX];
	size_t len;
};

static int bench_sign(void *arg)
{
	struct bench_sm2 *b = arg;
	yc_err err;
	return yc_sm2_sign(b->key, b->bytes.data, b->bytes.len, b->sig, &b->len, &err);
}

static int bench_verify(void *arg)
{
	struct bench_sm2 *b = arg;
	yc_err err;
	return yc_sm2_verify_key(b->pub, b->bytes.data, b->bytes.len, b->sig, b->len, &err);
}

static int bench_verify_pem(void *arg)
{
	struct bench_sm2 *b = arg;
	yc_err err;
	return yc_sm2_verify(b->pem, b->bytes.data, b->bytes.len, b->sig, b->len, &err);
}

/*
 * cert bench: SM2 signatures as issuing makes them (the canonical bytes of a typical
 * certificate, SM3 with the default identity) and verifications as checking does (from
 * the signer's PEM certificate), each for --seconds; make bench sets them beside
 * `openssl speed sm2` on the same core.
 */
int cmd_cert_bench(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "seconds", NULL, &a);
	if (rc || a.npos)
		return EXIT_USAGE;
	double secs = cli_opt(&a, "seconds") ? strtod(cli_opt(&a, "seconds"), NULL) : 3;
	if (!(secs > 0 && secs <= 600))
		return cli_failf("--seconds is a number of seconds, up to 600", NULL);
	yc_err err;
	yc_err_clear(&err);
	struct bench_sm2 b = {0};
	yc_buf pem;
	yc_buf_init(&pem, 0);
	yc_buf_init(&b.bytes, 0);
	int64_t now = yc_now_ms() / 1000;
	struct yc_x509_spec spec = {"基准测试",	 "基准测试", "11371091049301736F", 1, now - 60,
				    now + 86400, false};
	cJSON *data = cJSON_Parse(
		"{\"id\":\"1.2.156.3005.2.11100000000013338W104.11371091049301736F.2026000001.001."
		"N\","
		"\"name\":\"食品经营许可证\",\"type_code\":\"11100000000013338W104\",\"number\":"
		"\"2026000001\","
		"\"version\":\"001\",\"holder\":\"威海一窗餐饮有限公司\",\"holder_id_type\":"
		"\"001\","
		"\"holder_id\":\"91371091MA3C5X8J11\",\"issuer\":\"经区行政审批服务局\","
		"\"issuer_code\":\"11371091049301736F\",\"issue_date\":\"2026-12-07\","
		"\"valid_from\":\"2026-12-07\",\"valid_until\":\"2031-12-06\",\"jurisdiction\":"
		"\"371091\","
		"\"source\":\"case:37109120261207000001\",\"fields\":{\"经营项目\":"
		"\"预包装食品销售\"}}");
	rc = yc_sm2_generate(&b.key, &err);
	if (!rc)
		rc = yc_x509_issue(b.key, &spec, NULL, NULL, &pem, &err);
	if (!rc)
		rc = cert_canonical(data, &b.bytes, &err);
	b.pem = pem.data;
	if (!rc)
		rc = yc_sm2_cert_key(b.pem, &b.pub, &err);
	double sign = rc ? -1 : per_second(bench_sign, &b, secs);
	double verify = rc || sign < 0 ? -1 : per_second(bench_verify, &b, secs);
	double from_pem = rc || verify < 0 ? -1 : per_second(bench_verify_pem, &b, secs);
	if (!rc && (sign < 0 || verify < 0 || from_pem < 0))
		rc = yc_err_set(&err, YC_EINTERNAL, NULL, "a signature failed during the bench");
	if (!rc)
		printf("sm2 %zu-byte certificate: %.0f sign/s %.0f verify/s %.0f "
		       "verify-from-pem/s\n",
		       b.bytes.len, sign, verify, from_pem);
	cJSON_Delete(data);
	yc_sm2_key_free(b.key);
	yc_sm2_key_free(b.pub);
	yc_buf_release(&pem);
	yc_buf_release(&b.bytes);
	return rc ? cli_fail(&err) : 0;
}
