/*
 * password_list.c — passwords too common to keep anyone out: the first
 * guesses of every attacker (number runs, keyboard walks, "password" and its
 * spellings, the pinyin and numerology favourites of Chinese lists, this
 * system's own names). Sorted, searched with bsearch; compared in lower case.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/account.h"
#include "lib/banned.h"

static const char *const common[] = {
	"00000000",   "0123456789", "11111111",	     "11223344",  "123123123",	   "123321123",
	"12341234",   "12344321",   "12345678",	     "123456789", "1234567890",	   "12345678a",
	"12345678q",  "1234567a",   "123456aa",	     "123456ab",  "123456abc",	   "123456qq",
	"1314520520", "147258369",  "147852369",     "159357456", "159753123",	   "1q2w3e4r",
	"1q2w3e4r5t", "1qaz2wsx",   "22222222",	     "33333333",  "44444444",	   "52013145",
	"5201314520", "55555555",   "66666666",	     "741852963", "77777777",	   "789456123",
	"87654321",   "88888888",   "987654321",     "99999999",  "a1234567",	   "a12345678",
	"a123456789", "aa123456",   "abc12345",	     "abc123456", "abcd1234",	   "abcdefgh",
	"admin123",   "admin1234",  "administrator", "aini1314",  "asd12345",	   "asdfghjk",
	"asdfghjkl",  "baseball",   "changeme",	     "changeme1", "computer",	   "default1",
	"dragon12",   "football",   "guest123",	     "iloveyou",  "iloveyou1",	   "internet",
	"jennifer",   "letmein1",   "li123456",	     "master12",  "michael1",	   "monkey12",
	"p@ssw0rd",   "p@ssword",   "passw0rd",	     "password",  "password1",	   "password123",
	"princess",   "qq123456",   "qq5201314",     "qwe12345",  "qwerty123",	   "qwertyui",
	"qwertyuiop", "root1234",   "secret12",	     "service1",  "shadow12",	   "shandong",
	"sunshine",   "superman",   "temp1234",	     "test1234",  "testtest",	   "trustno1",
	"user1234",   "wang1234",   "wangyang",	     "weihai123", "welcome1",	   "welcome123",
	"whatever",   "woaini1314", "woaini520",     "yichuang",  "yichuang-demo", "yichuang123",
	"zhang123",   "zhengwu123", "zwfw1234",	     "zxcvbnm1",  "zxcvbnm123",
};

static int cmp(const void *key, const void *item)
{
	return strcmp(key, *(const char *const *)item);
}

bool account_password_common(const char *password, const char *username)
{
	char lower[129];
	size_t n = 0;
	for (; password[n] && n < sizeof(lower) - 1; n++)
		lower[n] = (char)tolower((unsigned char)password[n]);
	lower[n] = '\0';
	if (username && !strcmp(lower, username))
		return true;
	size_t same = 1;
	while (same < n && lower[same] == lower[0])
		same++;
	if (n && same == n) /* one character over and over */
		return true;
	return bsearch(lower, common, sizeof(common) / sizeof(common[0]), sizeof(common[0]), cmp) !=
	       NULL;
}
