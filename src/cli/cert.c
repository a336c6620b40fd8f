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
