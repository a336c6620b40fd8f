/*
 * cli.h — what the command files share: parsed options, the exit codes, the
 * helpers every command uses, and the commands main.c's table lists.
 */
#ifndef YC_CLI_H
#define YC_CLI_H

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/certificate/certificate.h"
#include "core/hall/hall.h"
#include "core/review/review.h"
#include "db/db.h"
#include "lib/config.h"
#include "lib/errors.h"

enum { EXIT_USAGE = 2 };

struct args {
	const char *opt_name[16];
	const char *opt_value[16];
	int nopts;
	const char *pos[8];
	int npos;
};

/* common.c: options (--name value and positionals), errors, files, the store. */
int cli_parse_args(int argc, char **argv, const char *allowed, const char *flags, struct args *a);
const char *cli_opt(const struct args *a, const char *name);
int cli_fail(const yc_err *err);
int cli_failf(const char *msg, const char *detail);
char *cli_read_file(const char *path, size_t max, size_t *len);
int cli_open_existing(const char *uri, db **d, yc_err *err);
int cli_write(const char *uri, db_mutation_fn fn, void *arg, yc_err *err);
int cli_parse_local_minute(const char *s, int64_t *out);
/* settings.c: each capability's context from its block of the settings table. */
void cli_settings_apply(const yc_config *cfg, calendar *cal, struct case_ctx *cases,
			struct hall_ctx *hall, struct review_ctx *reviews, struct cert_ctx *certs);
/* The cases' kept figures counted again from every case (migrate, bulk history). */
int cli_case_figures_rebuild(db *d, int64_t *counted, yc_err *err);
/* Opens the keyring the certificate keys are encrypted under (made when create is set). */
struct insp_ctx;
struct fin_ctx;
/* After cli_settings_apply: the bridge-loan fund's rules and its hooks into the cases. */
void cli_finance_settings(const yc_config *cfg, struct case_ctx *cases, struct fin_ctx *fin);
struct proc_ctx;
struct train_ctx;
struct court_ctx;
/* After cli_finance_settings: the court's rules and hooks go before the ones wired. */
void cli_court_settings(const yc_config *cfg, struct case_ctx *cases, struct court_ctx *court);
/* After cli_settings_apply: the training quiz's settings; the hall's sign-in asks them. */
void cli_training_settings(const yc_config *cfg, struct hall_ctx *hall, struct train_ctx *train);
/* 智能导服: the score an answer needs, how many, the guidance desk; the index starts empty. */
struct guide_ctx;
struct fdi_ctx;
struct watch_ctx;
/* 效能监察: each rule's threshold. */
void cli_watch_settings(const yc_config *cfg, struct watch_ctx *watch);
/* After cli_court_settings: the negative list checks the foreign-invested registrations. */
void cli_fdi_settings(const yc_config *cfg, struct case_ctx *cases, struct fdi_ctx *fdi);
void cli_guide_settings(const yc_config *cfg, struct guide_ctx *guide);
void cli_procurement_settings(const yc_config *cfg, const struct case_ctx *cases,
			      struct proc_ctx *proc);
void cli_inspection_settings(const yc_config *cfg, const struct case_ctx *cases,
			     const struct cert_ctx *certs, struct insp_ctx *insp);
int cli_certs_open(const yc_config *cfg, struct cert_ctx *certs, bool create, yc_err *err);

/* The commands (main.c's table): each returns 0, 1 (a failure, said on stderr) or EXIT_USAGE. */
int cmd_init(int argc, char **argv);		      /* store.c */
int cmd_migrate(int argc, char **argv);		      /* store.c */
int cmd_audit_verify(int argc, char **argv);	      /* store.c */
int cmd_copy(int argc, char **argv);		      /* store.c */
int cmd_backup(int argc, char **argv);		      /* store.c */
int cmd_serve(int argc, char **argv);		      /* serve.c */
int cmd_routes(int argc, char **argv);		      /* serve.c */
int cmd_version(int argc, char **argv);		      /* serve.c */
int cmd_user_add(int argc, char **argv);	      /* users.c */
int cmd_catalog_import(int argc, char **argv);	      /* catalog.c */
int cmd_catalog_export(int argc, char **argv);	      /* catalog.c */
int cmd_catalog_generate(int argc, char **argv);      /* catalog.c */
int cmd_hall_import(int argc, char **argv);	      /* catalog.c */
int cmd_cert_verify(int argc, char **argv);	      /* cert.c */
int cmd_cert_trust(int argc, char **argv);	      /* cert.c */
int cmd_cert_status(int argc, char **argv);	      /* cert.c */
int cmd_cert_bench(int argc, char **argv);
int cmd_guide_ask(int argc, char **argv);	      /* guide.c */
int cmd_guide_eval(int argc, char **argv);	      /* guide.c */
int cmd_fdi_import(int argc, char **argv);	      /* foreign.c */
int cmd_draw_verify(int argc, char **argv);	      /* draw.c */
int cmd_draw_bench(int argc, char **argv);	      /* draw.c */	      /* cert.c */
int cmd_calendar_add_workdays(int argc, char **argv); /* calendar.c */
int cmd_calendar_is_workday(int argc, char **argv);   /* calendar.c */
int cmd_history_bulk(int argc, char **argv);		/* store.c */
int cmd_calendar_load(int argc, char **argv);	      /* calendar.c */

#endif
