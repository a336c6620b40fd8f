/* Composite processes: a definition's checks, the parts the answers choose, which start, the join. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/process/process.h"
#include "lib/json.h"

/* 企业开办: the licence first, then five registrations in parallel; power only with premises. */
static const char *const establishment =
	"{\"code\":\"P-QYKB\",\"name\":\"企业开办\",\"kind\":\"business\","
	"\"promised_limit\":{\"value\":2,\"unit\":\"workhour\"},\"on_deny\":\"stop\","
	"\"questions\":[{\"name\":\"has_premises\",\"label\":\"是否有经营场所\","
	"\"options\":[\"yes\",\"no\"]}],"
	"\"parts\":[{\"id\":\"licence\",\"item\":\"A\"},"
	"{\"id\":\"seal\",\"item\":\"B\",\"after\":[\"licence\"]},"
	"{\"id\":\"invoice\",\"item\":\"C\",\"after\":[\"licence\"]},"
	"{\"id\":\"social\",\"item\":\"D\",\"after\":[\"licence\"]},"
	"{\"id\":\"medical\",\"item\":\"E\",\"after\":[\"licence\"]},"
	"{\"id\":\"fund\",\"item\":\"F\",\"after\":[\"licence\"]},"
	"{\"id\":\"power\",\"item\":\"G\",\"after\":[\"licence\"],"
	"\"when\":{\"has_premises\":\"yes\"}}],"
	"\"form\":[{\"name\":\"company_name\",\"label\":\"企业名称\",\"type\":\"text\","
	"\"fills\":{\"licence\":\"name\",\"seal\":\"company\",\"invoice\":\"taxpayer\"}},"
	"{\"name\":\"legal_person\",\"label\":\"法定代表人\",\"type\":\"text\","
	"\"fills\":{\"licence\":\"legal_rep\"}}],"
	"\"materials\":[{\"id\":\"id_card\",\"name\":\"法定代表人身份证\","
	"\"fills\":{\"licence\":\"m1\",\"social\":\"m2\"}},"
	"{\"id\":\"lease\",\"name\":\"租赁合同\",\"fills\":{\"power\":\"m1\"}}]}";

enum { LICENCE, SEAL, INVOICE, SOCIAL, MEDICAL, FUND, POWER };

static cJSON *parse(const char *text)
{
	cJSON *j = NULL;
	cr_assert_eq(yc_json_parse(text, strlen(text), &j, NULL), 0, "%s", text);
	return j;
}

/* A definition from text with one substitution (from → to), expected to fail on field. */
static void refused(const char *from, const char *to, const char *field)
{
	char text[4096];
	const char *at = strstr(establishment, from);
	cr_assert(at, "%s", from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - establishment), establishment, to,
		 at + strlen(from));
	cJSON *doc = parse(text);
	struct process_def def;
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(process_validate(doc, &def, &err), YC_EINVAL, "%s → %s", from, to);
	cr_assert_str_eq(err.field, field, "%s → %s: %s", from, to, err.message);
	cJSON_Delete(doc);
}

Test(process_definition, a_good_one_is_indexed)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	yc_err err;
	cr_assert_eq(process_validate(doc, &def, &err), 0, "%s", err.message);
	cr_assert_eq(def.nparts, 7);
	cr_assert_str_eq(def.part_id[POWER], "power");
	cr_assert_str_eq(def.part_item[SEAL], "B");
	cr_assert_eq(def.after[LICENCE], 0u);
	cr_assert_eq(def.after[FUND], 1u << LICENCE);
	cr_assert(def.stop_on_deny);
	cJSON_Delete(doc);
}

Test(process_definition, bad_ones_name_the_field)
{
	refused("\"after\":[\"licence\"]}", "\"after\":[\"nowhere\"]}", "parts[1].after[0]");
	refused("{\"id\":\"seal\",\"item\":\"B\",\"after\":[\"licence\"]}",
		"{\"id\":\"seal\",\"item\":\"B\",\"after\":[\"seal\"]}", "parts[1].after[0]");
	refused("{\"id\":\"seal\"", "{\"id\":\"licence\"", "parts[1].id");
	refused("{\"id\":\"seal\"", "{\"id\":\"Seal!\"", "parts[1].id");
	refused("\"has_premises\":\"yes\"", "\"has_premises\":\"maybe\"", "parts[6].when.has_premises");
	refused("\"has_premises\":\"yes\"}", "\"rented\":\"yes\"}", "parts[6].when.rented");
	refused("\"on_deny\":\"stop\"", "\"on_deny\":\"shrug\"", "on_deny");
	refused("\"value\":2", "\"value\":0", "promised_limit.value");
	refused("{\"id\":\"licence\",\"item\":\"A\"}", "{\"id\":\"licence\"}", "parts[0].item");
	refused("\"fills\":{\"licence\":\"legal_rep\"}", "\"fills\":{\"nowhere\":\"x\"}",
		"form[1].fills.nowhere");
	refused("{\"name\":\"legal_person\"", "{\"name\":\"company_name\"", "form[1].name");
	refused("\"fills\":{\"power\":\"m1\"}", "\"fills\":{\"power\":1}",
		"materials[1].fills.power");
	/* a cycle: the licence after the seal, the seal after the licence */
	refused("{\"id\":\"licence\",\"item\":\"A\"}",
		"{\"id\":\"licence\",\"item\":\"A\",\"after\":[\"seal\"]}", "parts");
}

/* The parts' states for a run: every chosen part waiting, the rest skipped. */
static void start(const struct process_def *def, uint32_t chosen, enum process_part_state *parts)
{
	for (int i = 0; i < def->nparts; i++)
		parts[i] = (chosen >> i) & 1u ? PP_WAITING : PP_SKIPPED;
}

/* Starts what is ready, as the runtime would. */
static uint32_t release(const struct process_def *def, enum process_part_state *parts)
{
	uint32_t ready = process_ready(def, parts);
	for (int i = 0; i < def->nparts; i++)
		if ((ready >> i) & 1u)
			parts[i] = PP_RUNNING;
	return ready;
}

Test(process_graph, the_licence_first_then_five_in_parallel)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	cr_assert_eq(process_validate(doc, &def, NULL), 0);
	cJSON *answers = parse("{\"has_premises\":\"no\"}");
	uint32_t chosen;
	cr_assert_eq(process_choose(&def, answers, &chosen, NULL), 0);
	cr_assert_eq(chosen, 0x3fu, "power is not chosen without premises");
	enum process_part_state parts[PROCESS_MAX_PARTS];
	start(&def, chosen, parts);
	cr_assert_eq(release(&def, parts), 1u << LICENCE);
	cr_assert_eq(release(&def, parts), 0u, "nothing else until the licence is approved");
	cr_assert_eq(process_state_of(&def, parts), PS_RUNNING);
	parts[LICENCE] = PP_APPROVED;
	cr_assert_eq(release(&def, parts), 0x3eu, "the five registrations at once");
	for (int i = SEAL; i <= FUND; i++) {
		cr_assert_eq(process_state_of(&def, parts), PS_RUNNING);
		parts[i] = PP_APPROVED;
	}
	/* the join: the last approval completes the whole, and nothing is left to start */
	cr_assert_eq(process_state_of(&def, parts), PS_APPROVED);
	cr_assert_eq(process_ready(&def, parts), 0u);
	cr_assert_eq(process_to_cancel(&def, parts), 0u);
	cJSON_Delete(answers);
	cJSON_Delete(doc);
}

Test(process_graph, answers_choose_and_are_checked)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	cr_assert_eq(process_validate(doc, &def, NULL), 0);
	const char *cases[][2] = {
		{"{}", "answers.has_premises"},
		{"{\"has_premises\":\"maybe\"}", "answers.has_premises"},
		{"{\"has_premises\":\"yes\",\"pets\":\"yes\"}", "answers.pets"},
		{"{\"has_premises\":1}", "answers.has_premises"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *a = parse(cases[i][0]);
		uint32_t chosen;
		yc_err err;
		yc_err_clear(&err);
		cr_assert_eq(process_choose(&def, a, &chosen, &err), YC_EINVAL, "%s", cases[i][0]);
		cr_assert_str_eq(err.field, cases[i][1], "%s", cases[i][0]);
		cJSON_Delete(a);
	}
	cJSON *a = parse("{\"has_premises\":\"yes\"}");
	uint32_t chosen;
	cr_assert_eq(process_choose(&def, a, &chosen, NULL), 0);
	cr_assert_eq(chosen, 0x7fu);
	cJSON_Delete(a);
	cJSON_Delete(doc);
}

/* A chain a → b → c with b skipped: c waits for a, which b would have waited for. */
Test(process_graph, a_skipped_part_passes_its_wait_on)
{
	cJSON *doc = parse("{\"code\":\"P\",\"name\":\"x\",\"promised_limit\":{\"value\":1,"
			   "\"unit\":\"workday\"},\"on_deny\":\"continue\",\"questions\":[{\"name\":"
			   "\"q\",\"label\":\"q\",\"options\":[\"y\",\"n\"]}],\"parts\":["
			   "{\"id\":\"a\",\"item\":\"A\"},"
			   "{\"id\":\"b\",\"item\":\"B\",\"after\":[\"a\"],\"when\":{\"q\":\"y\"}},"
			   "{\"id\":\"c\",\"item\":\"C\",\"after\":[\"b\"]}]}");
	struct process_def def;
	yc_err err;
	cr_assert_eq(process_validate(doc, &def, &err), 0, "%s", err.message);
	cJSON *a = parse("{\"q\":\"n\"}");
	uint32_t chosen;
	cr_assert_eq(process_choose(&def, a, &chosen, NULL), 0);
	cr_assert_eq(chosen, 0x5u);
	enum process_part_state parts[PROCESS_MAX_PARTS];
	start(&def, chosen, parts);
	cr_assert_eq(release(&def, parts), 0x1u, "c does not start before a");
	parts[0] = PP_APPROVED;
	cr_assert_eq(release(&def, parts), 0x4u);
	/* and if a is denied, c can never start: under "continue" it is cancelled, a is not */
	start(&def, chosen, parts);
	release(&def, parts);
	parts[0] = PP_DENIED;
	cr_assert_eq(process_to_cancel(&def, parts), 0x4u);
	parts[2] = PP_CANCELLED;
	cr_assert_eq(process_state_of(&def, parts), PS_DENIED, "nothing was approved");
	cJSON_Delete(a);
	cJSON_Delete(doc);
}

Test(process_graph, a_denial_under_each_rule)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	cr_assert_eq(process_validate(doc, &def, NULL), 0);
	enum process_part_state parts[PROCESS_MAX_PARTS];
	/* stop: a denied seal stops the four still running, and the whole is denied */
	start(&def, 0x3fu, parts);
	parts[LICENCE] = PP_APPROVED;
	release(&def, parts);
	parts[SEAL] = PP_DENIED;
	parts[INVOICE] = PP_APPROVED;
	cr_assert_eq(process_to_cancel(&def, parts), (1u << SOCIAL) | (1u << MEDICAL) | (1u << FUND));
	cr_assert_eq(process_state_of(&def, parts), PS_RUNNING);
	parts[SOCIAL] = parts[MEDICAL] = parts[FUND] = PP_CANCELLED;
	cr_assert_eq(process_state_of(&def, parts), PS_DENIED);
	cr_assert_eq(process_ready(&def, parts), 0u);
	/* continue: the same denial stops nothing else; the whole ends partly approved */
	def.stop_on_deny = false;
	start(&def, 0x3fu, parts);
	parts[LICENCE] = PP_APPROVED;
	release(&def, parts);
	parts[SEAL] = PP_DENIED;
	cr_assert_eq(process_to_cancel(&def, parts), 0u);
	for (int i = INVOICE; i <= FUND; i++)
		parts[i] = PP_APPROVED;
	cr_assert_eq(process_state_of(&def, parts), PS_PARTIAL);
	/* continue, the licence denied: every registration after it is cancelled */
	start(&def, 0x3fu, parts);
	release(&def, parts);
	parts[LICENCE] = PP_DENIED;
	cr_assert_eq(process_to_cancel(&def, parts), 0x3eu);
	cJSON_Delete(doc);
}

Test(process_graph, withdrawal_and_names)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	cr_assert_eq(process_validate(doc, &def, NULL), 0);
	enum process_part_state parts[PROCESS_MAX_PARTS];
	start(&def, 0x3fu, parts);
	release(&def, parts);
	parts[LICENCE] = PP_WITHDRAWN;
	for (int i = SEAL; i <= FUND; i++)
		parts[i] = PP_CANCELLED;
	cr_assert_eq(process_state_of(&def, parts), PS_WITHDRAWN);
	/* withdrawn after the licence was approved: still withdrawn, not denied */
	parts[LICENCE] = PP_APPROVED;
	parts[SEAL] = PP_WITHDRAWN;
	cr_assert_eq(process_state_of(&def, parts), PS_WITHDRAWN);
	cr_assert_str_eq(process_state_name(PS_PARTIAL), "partial");
	cr_assert_str_eq(process_part_state_name(PP_CANCELLED), "cancelled");
	cJSON_Delete(doc);
}

/* One form and one material set: each part gets what its fields and materials are filled from. */
Test(process_mapping, one_answer_fills_every_part_that_asks)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	yc_err err;
	cr_assert_eq(process_validate(doc, &def, &err), 0, "%s", err.message);
	cJSON *form = parse("{\"company_name\":\"经区一窗科技有限公司\",\"legal_person\":\"张三\"}");
	cJSON *out = NULL;
	cr_assert_eq(process_part_form(&def, LICENCE, form, &out, &err), 0);
	cr_assert_str_eq(yc_json_str(out, "name"), "经区一窗科技有限公司");
	cr_assert_str_eq(yc_json_str(out, "legal_rep"), "张三");
	cJSON_Delete(out);
	cr_assert_eq(process_part_form(&def, SEAL, form, &out, &err), 0);
	cr_assert_str_eq(yc_json_str(out, "company"), "经区一窗科技有限公司");
	cr_assert_eq(cJSON_GetArraySize(out), 1, "the seal asks for the name only");
	cJSON_Delete(out);
	cr_assert_eq(process_part_form(&def, FUND, form, &out, &err), 0);
	cr_assert_eq(cJSON_GetArraySize(out), 0);
	cJSON_Delete(out);
	cJSON *bad = parse("{\"pets\":\"two\"}");
	cr_assert_eq(process_part_form(&def, LICENCE, bad, &out, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.pets");
	cr_assert_null(out);
	cJSON *mats = parse("[{\"id\":\"id_card\",\"sha256\":\"aa\"},{\"id\":\"lease\",\"sha256\":\"bb\"}]");
	cr_assert_eq(process_part_materials(&def, SOCIAL, mats, &out, &err), 0);
	cr_assert_eq(cJSON_GetArraySize(out), 1);
	cr_assert_str_eq(yc_json_str(cJSON_GetArrayItem(out, 0), "id"), "m2");
	cr_assert_str_eq(yc_json_str(cJSON_GetArrayItem(out, 0), "sha256"), "aa");
	cJSON_Delete(out);
	cr_assert_eq(process_part_materials(&def, POWER, mats, &out, &err), 0);
	cr_assert_str_eq(yc_json_str(cJSON_GetArrayItem(out, 0), "id"), "m1");
	cr_assert_str_eq(yc_json_str(cJSON_GetArrayItem(out, 0), "sha256"), "bb");
	cJSON_Delete(out);
	cJSON *unknown = parse("[{\"id\":\"photo\",\"sha256\":\"cc\"}]");
	cr_assert_eq(process_part_materials(&def, LICENCE, unknown, &out, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "materials[0].id");
	cJSON_Delete(unknown);
	cJSON_Delete(mats);
	cJSON_Delete(bad);
	cJSON_Delete(form);
	cJSON_Delete(doc);
}

/* The reductions come from the items: each part's item applied for alone against the process. */
Test(process_figures, computed_from_the_items)
{
	cJSON *doc = parse(establishment);
	struct process_def def;
	cr_assert_eq(process_validate(doc, &def, NULL), 0);
	/* six items: each a visit, 3 form fields and 2 materials; the licence promised in
	 * 1 working day, the others in 2 working hours each */
	cJSON *items[PROCESS_MAX_PARTS] = {0};
	for (int i = LICENCE; i <= FUND; i++)
		items[i] = parse(i == LICENCE
					 ? "{\"visits\":1,\"form\":[{},{},{}],\"materials\":[{},{}],"
					   "\"promised_limit\":{\"value\":1,\"unit\":\"workday\"}}"
					 : "{\"visits\":1,\"form\":[{},{},{}],\"materials\":[{},{}],"
					   "\"promised_limit\":{\"value\":2,\"unit\":\"workhour\"}}");
	struct process_figures before, after;
	process_figures(&def, (const cJSON *const *)items, 0x3fu, &before, &after);
	cr_assert_eq(before.applications, 6);
	cr_assert_eq(after.applications, 1);
	cr_assert_eq(before.visits, 6);
	cr_assert_eq(after.visits, 1);
	cr_assert_eq(before.fields, 18);
	cr_assert_eq(after.fields, 2);
	cr_assert_eq(before.materials, 12);
	cr_assert_eq(after.materials, 2);
	cr_assert_eq(before.minutes, 420 + 5 * 120, "a working day is 420 minutes here");
	cr_assert_eq(after.minutes, 120);
	cr_assert_eq(process_cut_percent(before.applications, after.applications), 83);
	cr_assert_eq(process_cut_percent(before.materials, after.materials), 83);
	cr_assert_eq(process_cut_percent(before.minutes, after.minutes), 88);
	cr_assert_eq(process_cut_percent(60, 20), 67);
	cr_assert_eq(process_cut_percent(0, 0), 0);
	cr_assert_eq(process_cut_percent(5, 7), 0, "no cut is a cut of 0");
	for (int i = LICENCE; i <= FUND; i++)
		cJSON_Delete(items[i]);
	cJSON_Delete(doc);
}
