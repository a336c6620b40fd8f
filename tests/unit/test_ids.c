/* Unit tests: GB 11643 and GB 32100 check characters, masking (core/ids.c). */
#include <criterion/criterion.h>

#include "core/common/ids.h"

Test(ids, resident_valid_vectors)
{
	cr_assert(ids_resident_valid("11010519491231002X")); /* the standard's example */
	cr_assert(ids_resident_valid("371002199001011237"));
	cr_assert_eq(ids_resident_check("11010519491231002"), 'X');
}

Test(ids, resident_invalid_vectors)
{
	cr_assert_not(ids_resident_valid("110105194912310021")); /* wrong check */
	cr_assert_not(ids_resident_valid("11010519491331002X")); /* month 13 */
	cr_assert_not(ids_resident_valid("1101051949123100"));	 /* short */
	cr_assert_not(ids_resident_valid("11010519491231002x")); /* lower-case x */
	cr_assert_not(ids_resident_valid("A1010519491231002X"));
	cr_assert_not(ids_resident_valid(NULL));
}

Test(ids, uscc_vectors)
{
	cr_assert(ids_uscc_valid("91371000MA3C5X8J11"));
	cr_assert(ids_uscc_valid("91350100M000100Y43"));
	cr_assert_not(ids_uscc_valid("91371000MA3C5X8J12"));
	cr_assert_not(ids_uscc_valid("91371000MA3C5X8JI1")); /* I is not in the alphabet */
	cr_assert_not(ids_uscc_valid("91371000MA3C5X8J1"));
	cr_assert_eq(ids_uscc_check("91350100M000100Y4"), '3');
}

Test(ids, phone)
{
	cr_assert(ids_phone_valid("13800001234"));
	cr_assert_not(ids_phone_valid("23800001234"));
	cr_assert_not(ids_phone_valid("1380000123"));
	cr_assert_not(ids_phone_valid("1380000123a"));
}

Test(ids, masking_hides_the_middle)
{
	char out[32];
	ids_mask_id("371002199001011237", out, sizeof(out));
	cr_assert_str_eq(out, "371002********1237");
	ids_mask_id("91371000MA3C5X8J11", out, sizeof(out));
	cr_assert_str_eq(out, "913710********8J11");
	ids_mask_phone("13800001234", out, sizeof(out));
	cr_assert_str_eq(out, "138****1234");
	ids_mask_id("", out, sizeof(out));
	cr_assert_str_eq(out, "");
}
