/* users.c — user add. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/common/audit.h"
#include "core/calendar/calendar.h"
#include "core/catalog/catalog.h"
#include "core/hall/hall.h"
#include "core/demo/demo.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/limits.h"
#include "http/server.h"
#include "http/session.h"
#include "jobs/scheduler.h"
#include "lib/config.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "cli/cli.h"
#include "lib/banned.h"

struct user_add {
	const struct account_new *n;
	char hash[YC_PASSWORD_HASH_MAX];
};

static int user_add_write(db *d, void *arg, yc_err *err)
{
	struct user_add *u = arg;
	return account_insert(d, &audit_system_actor, u->n, u->hash, NULL, err);
}

int cmd_user_add(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(
		argc, argv, "db,role,name,department,office,outlet,phone,kind,id-number", NULL, &a);
	if (rc || !cli_opt(&a, "db") || !cli_opt(&a, "role") || a.npos != 1)
		return EXIT_USAGE;
	char password[256];
	if (!fgets(password, sizeof(password), stdin))
		return cli_failf("give the password on standard input", NULL);
	password[strcspn(password, "\r\n")] = '\0';
	struct account_new n = {
		.username = a.pos[0],
		.password = password,
		.role = cli_opt(&a, "role"),
		.name = cli_opt(&a, "name") ? cli_opt(&a, "name") : a.pos[0],
		.kind = cli_opt(&a, "kind"),
		.id_number = cli_opt(&a, "id-number"),
		.phone = cli_opt(&a, "phone"),
		.department = cli_opt(&a, "department"),
		.office = cli_opt(&a, "office"),
		.outlet = cli_opt(&a, "outlet"),
	};
	yc_err err;
	yc_err_clear(&err);
	struct user_add u = {.n = &n};
	if ((rc = account_validate(&n, &err)) ||
	    (rc = account_hash_password(password, u.hash, &err)) ||
	    (rc = cli_write(cli_opt(&a, "db"), user_add_write, &u, &err)))
		return cli_fail(&err);
	printf("added %s (%s)\n", n.username, n.role);
	return 0;
}
