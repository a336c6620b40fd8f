/*
 * demo.c — installs the demo district (see demo.h). The accounts: the six
 * named in the README plus one approver per department, approver-<code>.
 */
#include "demo.h"
#include "demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/account.h"
#include "core/catalog/catalog.h"
#include "core/certificate/certificate.h"
#include "core/court/court.h"
#include "core/report/report.h"
#include "core/finance/finance.h"
#include "core/process/process.h"
#include "core/hall/hall.h"
#include "lib/embed.h"
#include "lib/json.h"
#include "lib/banned.h"

extern const struct yc_embedded yc_demo_files[];
extern const size_t yc_demo_files_count;

const char *demo_file(const char *name)
{
	for (size_t i = 0; i < yc_demo_files_count; i++)
		if (!strcmp(yc_demo_files[i].name, name))
			return yc_demo_files[i].text;
	return NULL;
}

int demo_account(db *d, const char *hash, const char *username, const char *role, const char *name,
		 const char *kind, const char *id_number, const char *phone, const char *department,
		 const char *office, yc_err *err)
{
	struct account_new n = {
		.username = username,
		.password = DEMO_PASSWORD,
		.role = role,
		.name = name,
		.kind = kind,
		.id_number = id_number,
		.phone = phone,
		.department = department,
		.office = office,
		.demo = true,
	};
	int rc = account_validate(&n, err);
	if (!rc)
		rc = account_insert(d, &audit_system_actor, &n, hash, NULL, err);
	/* the demo's applicants have shown their ID cards at a window */
	if (!rc && !strcmp(role, "applicant"))
		rc = account_verify(d, &audit_system_actor, username, id_number, name, NULL, err);
	return rc;
}

/* One seat at each bank outlet (政银合作), bank-1 … bank-6 for outlets B01 … B06. */
static int demo_bank_seats(db *d, const char *hash, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT code, bank FROM outlets ORDER BY code", err);
	if (!st)
		return db_failed(err);
	char codes[16][16], banks[16][104];
	int n = 0, rc;
	while (n < 16 && (rc = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, codes[n], sizeof(codes[n]));
		db_col_copy(st, 1, banks[n], sizeof(banks[n]));
		n++;
	}
	db_done(st);
	for (int i = 0; rc >= 0 && i < n; i++) {
		char username[24], name[128];
		snprintf(username, sizeof(username), "bank-%d", i + 1);
		snprintf(name, sizeof(name), "%s网点代办员", banks[i]);
		struct account_new a = {.username = username,
					.password = DEMO_PASSWORD,
					.role = "bank",
					.name = name,
					.outlet = codes[i],
					.demo = true};
		rc = account_validate(&a, err);
		if (!rc)
			rc = account_insert(d, &audit_system_actor, &a, hash, NULL, err);
	}
	return rc < 0 ? rc : 0;
}

/* The demo hall (data/demo/hall.json) and one clerk per window, clerk-<no>. */
static int demo_hall(db *d, const char *hash, yc_err *err)
{
	const char *text = demo_file("hall.json");
	if (!text)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the demo hall is not built in");
	cJSON *hall = NULL;
	int rc = yc_json_parse(text, strlen(text), &hall, err);
	if (!rc)
		rc = hall_import(d, hall, err);
	const cJSON *w;
	cJSON_ArrayForEach (w, cJSON_GetObjectItemCaseSensitive(hall, "windows")) {
		if (rc)
			break;
		char username[32], name[48];
		long long no = (long long)yc_json_int(w, "no", 0);
		snprintf(username, sizeof(username), "clerk-%lld", no);
		snprintf(name, sizeof(name), "%lld号窗口", no);
		rc = demo_account(d, hash, username, "clerk", name, NULL, NULL, NULL, "xzsp", "jq",
				  err);
	}
	cJSON_Delete(hall);
	return rc;
}

/* The district's composite processes (一件事一次办), through the catalog's own put. */
static int demo_processes(db *d, yc_err *err)
{
	const char *text = demo_file("processes.json");
	if (!text)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the demo processes are not built in");
	cJSON *all = NULL;
	int count = 0;
	int rc = yc_json_parse(text, strlen(text), &all, err);
	if (!rc)
		rc = process_import(d, &audit_system_actor,
				    cJSON_GetObjectItemCaseSensitive(all, "processes"), &count,
				    err);
	cJSON_Delete(all);
	return rc;
}

/* The certificate types (电子证照) and who issues them (data/demo/certificates.json). */
static int demo_certificates(db *d, yc_err *err)
{
	const char *text = demo_file("certificates.json");
	if (!text)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "the demo certificates are not built in");
	cJSON *all = NULL;
	int count = 0;
	int rc = yc_json_parse(text, strlen(text), &all, err);
	if (!rc)
		rc = cert_import(d, all, &count, err);
	cJSON_Delete(all);
	return rc;
}

int demo_install(db *d, yc_err *err)
{
	const char *text = demo_file("district.json");
	if (!text)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the demo district is not built in");
	cJSON *all = NULL;
	int count = 0;
	int rc = yc_json_parse(text, strlen(text), &all, err);
	if (!rc)
		rc = catalog_import(d, &audit_system_actor, all, &count, err);
	cJSON_Delete(all);
	if (!rc)
		rc = demo_processes(d, err);
	if (!rc)
		rc = demo_certificates(d, err);
	if (rc)
		return rc;

	/* One hash serves every demo account: they share the demo password. */
	char hash[YC_PASSWORD_HASH_MAX];
	if ((rc = account_hash_password(DEMO_PASSWORD, hash, err)))
		return rc;
	if ((rc = demo_account(d, hash, "applicant1", "applicant", "张三", "person",
			       "371002199001011237", "13800001234", NULL, NULL, err)) ||
	    (rc = demo_account(d, hash, "business1", "applicant", "威海示例科技有限公司",
			       "business", "91371000MA3C5X8J11", "13900005678", NULL, NULL, err)) ||
	    (rc = demo_account(d, hash, "clerk1", "clerk", "李综窗", NULL, NULL, NULL, "xzsp", "jq",
			       err)) ||
	    (rc = demo_account(d, hash, "approver1", "approver", "王审批", NULL, NULL, NULL, "xzsp",
			       "jq", err)) ||
	    (rc = demo_account(d, hash, "supervisor1", "supervisor", "赵效能", NULL, NULL, NULL,
			       "xzsp", "jq", err)) ||
	    (rc = demo_account(d, hash, "admin", "admin", "系统管理员", NULL, NULL, NULL, "xzsp",
			       "jq", err)) ||
	    (rc = demo_account(d, hash, "assessor-1", "assessor", "第三方评估机构", NULL, NULL,
			       NULL, NULL, NULL, err)))
		return rc;
	/* the 24-hour self-service area's two terminals (24小时自助终端) */
	for (int i = 1; i <= 2 && !rc; i++) {
		char username[24], name[48];
		snprintf(username, sizeof(username), "terminal-%d", i);
		snprintf(name, sizeof(name), "24小时自助终端%d号机", i);
		rc = demo_account(d, hash, username, "terminal", name, NULL, NULL, NULL, NULL, NULL,
				  err);
	}
	/* the district's ten social supervisors (社会监督员) */
	for (int i = 1; i <= 10 && !rc; i++) {
		char username[24], name[48];
		snprintf(username, sizeof(username), "monitor-%d", i);
		snprintf(name, sizeof(name), "社会监督员%d号", i);
		rc = demo_account(d, hash, username, "monitor", name, NULL, NULL, NULL, NULL, NULL,
				  err);
	}
	if (rc)
		return rc;

	db_stmt *st = db_prepare(d, "SELECT code, short_name FROM departments ORDER BY code", err);
	if (!st)
		return err->code;
	char codes[64][32], names[64][64];
	int n = 0;
	while (n < 64 && (rc = db_step(st, err)) == DB_ROW) {
		snprintf(codes[n], sizeof(codes[n]), "%s", db_col_text(st, 0));
		snprintf(names[n], sizeof(names[n]), "%s", db_col_text(st, 1));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		char username[48], name[96];
		snprintf(username, sizeof(username), "approver-%s", codes[i]);
		snprintf(name, sizeof(name), "%s审批员", names[i]);
		if ((rc = demo_account(d, hash, username, "approver", name, NULL, NULL, NULL,
				       codes[i], "jq", err)))
			return rc;
	}
	if ((rc = demo_bank_seats(d, hash, err)) || (rc = demo_inspections(d, hash, err)))
		return rc;
	/* 惠企资金: the district's schemes (科技支行补助, 政银保补贴, 知识产权奖励资助) */
	const char *grants = demo_file("grants.json");
	if (!grants)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "the demo grant schemes are not built in");
	if ((rc = fin_schemes_load(d, grants, err)))
		return rc;
	/* 金融辅导队: the seven teams */
	const char *advisory = demo_file("advisory.json");
	if (!advisory)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "the demo advisory teams are not built in");
	if ((rc = fin_advisory_teams_load(d, advisory, err)))
		return rc;
	/* 分调裁审: the court's rules, teams and the 15 grid courts over the 37 communities */
	const char *courts = demo_file("courts.json");
	if (!courts)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the demo court rules are not built in");
	if ((rc = court_rules_load(d, courts, err)))
		return rc;
	/* the year report's stated figures, shown beside the computed ones */
	const char *stated = demo_file("year_stated.json");
	if (!stated)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "the demo's stated figures are not built in");
	if ((rc = report_stated_load(d, stated, err)))
		return rc;
	if ((rc = demo_hall(d, hash, err)))
		return rc;
	/* 全能岗: the bank from the catalog, and the clerks' passes of their windows' categories */
	return demo_training(d, err);
}
