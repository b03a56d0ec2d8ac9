/*
 * tests/spec_validate/test_quantity.c - resource quantities: what
 * resource.ParseQuantity accepts and rejects, the value it keeps (the
 * int64 fast path, the inf.Dec path with its nano round-up and 2^63-1
 * cap), comparison, Quantity.String() text, SetDefaults_ResourceList
 * milli rounding and podlife_quantity_parse_milli.
 */
#include "harness.h"
#include "podlife/pod.h"
#include "spec/quantity.h"

static const char *canon(const char *s, char *buf, size_t n)
{
	pl_quantity q;
	if (pl_quantity_parse(s, &q, NULL) != PODLIFE_OK)
		return "(error)";
	pl_quantity_format(&q, buf, n);
	return buf;
}

/* Canonical text (CanonicalizeBytes) of parsed values. */
static void test_parse_canonical(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"0", "0"},           {"1", "1"},           {"500m", "500m"},
		{"0.5", "500m"},      {"1.5", "1500m"},     {"1000m", "1"},
		{"2000", "2k"},       {"1k", "1k"},         {"1M", "1M"},
		{"1G", "1G"},         {"1T", "1T"},         {"1P", "1P"},
		{"1E", "1E"},         {"100n", "100n"},     {"1u", "1u"},
		{"1Ki", "1Ki"},       {"1024Mi", "1Gi"},    {"1025Mi", "1025Mi"},
		{"1.5Gi", "1536Mi"},  {"2048Ki", "2Mi"},    {"1.5Ki", "1536"},
		{"1023Ki", "1023Ki"}, {"0.5Ki", "512"},     {"1e3", "1e3"},
		{"1.5e3", "1500"},    {"1E3", "1e3"},       {"1e-4", "100e-6"},
		{"1e19", "10e18"},    {"1e100", "10e99"},   {"-1", "-1"},
		{"-0.5", "-500m"},    {"+1", "1"},          {"0.0001", "100u"},
		{"-0", "0"},          {".", "0"},           {"-", "0"},
		{"1.", "1"},          {"007", "7"},         {"0.1n", "1n"},
		{"1e-10", "1e-9"},    {"1.0000000001", "1000000001n"},
		/* int64 overflow takes the inf.Dec path: capped at 2^63-1 */
		{"12345678901234567890", "9223372036854775807"},
		{"8Ei", "9223372036854775807"},
		{"7Ei", "7Ei"},
		{"1Ei", "1Ei"},
		/* apimachinery quantity_test.go TestQuantityParse */
		{"0n", "0"},          {"0Ki", "0"},         {"8Ki", "8Ki"},
		{"7Mi", "7Mi"},       {"3Ei", "3Ei"},       {"100Ti", "100Ti"},
		{"50k", "50k"},       {"40T", "40T"},       {"300T", "300T"},
		{"12E", "12E"},       {"1E-3", "1e-3"},     {"1E6", "1e6"},
		{"100.035k", "100035"}, {"0.0005k", "500m"}, {"0.5e-1", "50e-3"},
		{"10.035M", "10035k"}, {"1.3E+6", "1300e3"}, {"3.001n", "4n"},
		{"1.1E-9", "2e-9"},   {"0.00000012345", "124n"}, {"9Ei", "9223372036854775807"},
		{"9223372036854775807Ki", "9223372036854775807"},
		{"100.035Ki", "102435840m"}, {"0.5Mi", "512Ki"}, {"0.05Gi", "53687091200m"},
		{"0.025Ti", "27487790694400m"}, {"0.000000000001Ki", "2n"},
		{".0001k", "100m"},   {"1.G", "1G"},        {"0.00050k", "500m"},
		/* TestQuantityParseEmit, TestQuantityString */
		{"1000M", "1G"},      {".001Ki", "1024m"},  {".000001Ki", "1024u"},
		{".000000001Ki", "1024n"}, {"-.001Ki", "-1024m"}, {"1000E", "1e21"},
		{"5000E", "5e21"},    {"1000u", "1m"},      {"0.001T", "1G"},
		{"1080000000n", "1080m"}, {"307200Ki", "300Mi"}, {"1025024Mi", "1001Gi"},
		{".001e12", "1e9"},   {"0.001e0", "1e-3"},  {"1000e-12", "1e-9"},
		{"00", "0"},          {"-.484785E-7466", "-1e-9"},
		/* strconv.ParseInt then int32(): 2^32 wraps to 0 */
		{"1e4294967296", "1"},
	};
	char buf[96];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = canon(cases[i].in, buf, sizeof(buf));
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "  input %s\n", cases[i].in);
		CHECK_STR(got, cases[i].want);
	}
}

/* ErrFormatWrong and ErrSuffix */
static void test_parse_errors(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{"", PL_QTY_ERR_FORMAT},    {"abc", PL_QTY_ERR_FORMAT}, {"1x", PL_QTY_ERR_FORMAT},
		{"1.2.3", PL_QTY_ERR_FORMAT}, {" 1", PL_QTY_ERR_FORMAT}, {"1 ", PL_QTY_ERR_FORMAT},
		{"1Gi ", PL_QTY_ERR_FORMAT}, {"--1", PL_QTY_ERR_SUFFIX}, {"1e3.5", PL_QTY_ERR_FORMAT},
		{"1K", PL_QTY_ERR_SUFFIX},  {"1e", PL_QTY_ERR_SUFFIX},  {"1ee3", PL_QTY_ERR_SUFFIX},
		{"1k3", PL_QTY_ERR_SUFFIX}, {"1mi", PL_QTY_ERR_SUFFIX}, {"1KiB", PL_QTY_ERR_FORMAT}, {"1Q", PL_QTY_ERR_FORMAT}, {"1Ki3", PL_QTY_ERR_SUFFIX},
		{"1e99999999999999999999", PL_QTY_ERR_SUFFIX},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_quantity q;
		q.ndigits = 77;
		const char *msg = NULL;
		int rc = pl_quantity_parse(cases[i].in, &q, &msg);
		if (rc != PODLIFE_EINVAL)
			fprintf(stderr, "  input \"%s\"\n", cases[i].in);
		CHECK_INT(rc, PODLIFE_EINVAL);
		CHECK_STR(msg, cases[i].msg);
		CHECK_INT(q.ndigits, 77); /* untouched on error */
	}
	CHECK_STR(PL_QTY_ERR_FORMAT,
	          "quantities must match the regular expression "
	          "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	CHECK_INT(pl_quantity_parse(NULL, NULL, NULL), PODLIFE_EINVAL);
}

static int cmp(const char *a, const char *b)
{
	pl_quantity qa, qb;
	if (pl_quantity_parse(a, &qa, NULL) || pl_quantity_parse(b, &qb, NULL))
		return 99;
	return pl_quantity_cmp(&qa, &qb);
}

static void test_compare(void)
{
	CHECK_INT(cmp("1", "1000m"), 0);
	CHECK_INT(cmp("1Ki", "1024"), 0);
	CHECK_INT(cmp("1k", "1e3"), 0);
	CHECK_INT(cmp("0.5", "500m"), 0);
	CHECK_INT(cmp("2", "1"), 1);
	CHECK_INT(cmp("999m", "1"), -1);
	CHECK_INT(cmp("1Gi", "1G"), 1);
	CHECK_INT(cmp("-1", "0"), -1);
	CHECK_INT(cmp("-2", "-1"), -1);
	CHECK_INT(cmp("0", "-0"), 0);
	CHECK_INT(cmp("1n", "0"), 1);
	CHECK_INT(cmp("100n", "1u"), -1);
	/* the fast path keeps huge exponents exact */
	CHECK_INT(cmp("1e100", "1e30"), 1);
	CHECK_INT(cmp("1e100", "10e99"), 0);
	/* the inf.Dec path caps at 2^63-1 */
	CHECK_INT(cmp("12345678901234567890", "9223372036854775807"), 0);
	CHECK_INT(cmp("8Ei", "9Ei"), 0);
	CHECK_INT(cmp("1e19", "8Ei"), 1);
	/* sub-nano digits round up (away from zero) */
	CHECK_INT(cmp("1.0000000001", "1000000001n"), 0);
	CHECK_INT(cmp("-1e-20", "-1n"), 0);
	/* long inputs */
	char big[400];
	memset(big, '9', 300);
	big[300] = '\0';
	CHECK_INT(cmp(big, "9223372036854775807"), 0);
	char tiny[400] = "0.";
	memset(tiny + 2, '0', 200);
	strcpy(tiny + 202, "1");
	CHECK_INT(cmp(tiny, "1n"), 0);
	char longfrac[400] = "1.";
	memset(longfrac + 2, '0', 150);
	strcpy(longfrac + 152, "5");
	CHECK_INT(cmp(longfrac, "1000000001n"), 0);
}

static void test_predicates(void)
{
	pl_quantity q;
	REQUIRE(pl_quantity_parse("-1", &q, NULL) == PODLIFE_OK);
	CHECK(pl_quantity_is_negative(&q));
	CHECK(pl_quantity_is_integer(&q));
	REQUIRE(pl_quantity_parse("1500m", &q, NULL) == PODLIFE_OK);
	CHECK(!pl_quantity_is_negative(&q));
	CHECK(!pl_quantity_is_integer(&q));
	REQUIRE(pl_quantity_parse("2000m", &q, NULL) == PODLIFE_OK);
	CHECK(pl_quantity_is_integer(&q));
	REQUIRE(pl_quantity_parse("-0", &q, NULL) == PODLIFE_OK);
	CHECK(!pl_quantity_is_negative(&q));
	CHECK(pl_quantity_is_zero(&q));
	REQUIRE(pl_quantity_parse("0.000000000001Ki", &q, NULL) == PODLIFE_OK);
	CHECK_INT(q.format, PL_QF_DECIMAL_SI); /* "rounds up, changes format" */
	REQUIRE(pl_quantity_parse("1.5Ki", &q, NULL) == PODLIFE_OK);
	CHECK_INT(q.format, PL_QF_BINARY_SI);
	REQUIRE(pl_quantity_parse("1e100", &q, NULL) == PODLIFE_OK);
	CHECK(pl_quantity_is_integer(&q));
	int64_t m = 0;
	CHECK(!pl_quantity_milli(&q, &m)); /* does not fit */
}

/* SetDefaults_ResourceList */
static void test_round_milli(void)
{
	pl_arena ar;
	pl_arena_init(&ar, pl_alloc_default());
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"0.0001", "1m"},     {"1e-4", "1e-3"},        {"100n", "1m"},
		{"1.0001", "1001m"},  {"999.9999m", "1"},      {"0.0001Ki", "103m"},
		{"0.99999999Ki", "1Ki"}, {"1.0000001Ki", "1024001m"}, {"-0.0001", "-1m"},
		{"1.0000000001", "1001m"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(pl_quantity_round_milli(&ar, cases[i].in), cases[i].want);
	/* already milli-precise: the same string comes back */
	static const char *const same[] = {"1", "500m", "0.5", "1.5Gi", "1e3", "+1", "0", "1e100"};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CHECK(pl_quantity_round_milli(&ar, same[i]) == same[i]);
	/* Quantity.UnmarshalJSON trims white space first */
	CHECK_STR(pl_quantity_round_milli(&ar, " 500m\t"), "500m");
	CHECK_STR(pl_quantity_round_milli(&ar, " 0.0001 "), "1m");
	CHECK(pl_quantity_round_milli(&ar, "   ") == NULL);
	CHECK(pl_quantity_round_milli(&ar, "abc") == NULL);
	CHECK(pl_quantity_round_milli(&ar, NULL) == NULL);
	pl_arena_free(&ar);
}

/* Quantity.String(): the input when the parser keeps it. */
static void test_string(void)
{
	pl_arena ar;
	pl_arena_init(&ar, pl_alloc_default());
	CHECK_STR(pl_quantity_string(&ar, "500m"), "500m");
	CHECK_STR(pl_quantity_string(&ar, "0.5"), "500m");
	CHECK_STR(pl_quantity_string(&ar, "1000m"), "1");
	CHECK_STR(pl_quantity_string(&ar, "+1"), "+1");
	CHECK_STR(pl_quantity_string(&ar, "1E3"), "1E3");
	CHECK_STR(pl_quantity_string(&ar, "1025Mi"), "1025Mi");
	CHECK_STR(pl_quantity_string(&ar, "1024Mi"), "1Gi");
	CHECK_STR(pl_quantity_string(&ar, "8Ki"), "8Ki");
	CHECK(pl_quantity_string(&ar, "x") == NULL);
	pl_arena_free(&ar);
}

static void test_parse_milli_public(void)
{
	int64_t m = -1;
	podlife_error *err = NULL;
	CHECK_INT(podlife_quantity_parse_milli("250m", &m, &err), PODLIFE_OK);
	CHECK_INT(m, 250);
	CHECK(err == NULL);
	CHECK_INT(podlife_quantity_parse_milli("1.5", &m, NULL), PODLIFE_OK);
	CHECK_INT(m, 1500);
	CHECK_INT(podlife_quantity_parse_milli("0.0001", &m, NULL), PODLIFE_OK);
	CHECK_INT(m, 1);
	CHECK_INT(podlife_quantity_parse_milli("1Gi", &m, NULL), PODLIFE_OK);
	CHECK_INT(m, 1073741824000LL);
	/* TestNegativeValueRoundsAwayFromZero */
	static const struct {
		const char *in;
		int64_t milli;
	} away[] = {
		{"-.484785E-7466", -1}, {".484785E-7466", 1}, {"-.484785E-1", -49}, {".484785E-1", 49},
		{"-0.0005", -1},        {"0.0005", 1},        {"-1500m", -1500},    {"1500m", 1500},
		{"-9.5000000001Gi", -10200547328108LL},       {"9.5000000001Gi", 10200547328108LL},
		{"-1", -1000},          {"0", 0},
	};
	for (size_t i = 0; i < sizeof(away) / sizeof(away[0]); i++) {
		CHECK_INT(podlife_quantity_parse_milli(away[i].in, &m, NULL), PODLIFE_OK);
		CHECK_INT(m, away[i].milli);
	}
	CHECK_INT(podlife_quantity_parse_milli("-2", &m, NULL), PODLIFE_OK);
	CHECK_INT(m, -2000);
	CHECK_INT(podlife_quantity_parse_milli("9223372036854775m", &m, NULL), PODLIFE_OK);
	CHECK_INT(m, 9223372036854775LL);
	m = 7;
	CHECK_INT(podlife_quantity_parse_milli("1e100", &m, &err), PODLIFE_ETOOBIG);
	CHECK_INT(m, 7);
	CHECK(err != NULL);
	podlife_error_free(err);
	err = NULL;
	CHECK_INT(podlife_quantity_parse_milli("9223372036854776", &m, NULL), PODLIFE_ETOOBIG);
	CHECK_INT(podlife_quantity_parse_milli("1x", &m, &err), PODLIFE_EINVAL);
	REQUIRE(err != NULL);
	CHECK_STR(podlife_error_message(err), PL_QTY_ERR_FORMAT);
	CHECK_INT(podlife_error_code(err), PODLIFE_EINVAL);
	podlife_error_free(err);
	CHECK_INT(podlife_quantity_parse_milli("1Ki3", &m, &err), PODLIFE_EINVAL);
	REQUIRE(err != NULL);
	CHECK_STR(podlife_error_message(err), PL_QTY_ERR_SUFFIX);
	podlife_error_free(err);
	CHECK_INT(podlife_quantity_parse_milli(NULL, &m, NULL), PODLIFE_EINVAL);
	CHECK_INT(podlife_quantity_parse_milli("1", NULL, NULL), PODLIFE_EINVAL);
}

int main(void)
{
	RUN(test_parse_canonical);
	RUN(test_parse_errors);
	RUN(test_compare);
	RUN(test_predicates);
	RUN(test_round_milli);
	RUN(test_string);
	RUN(test_parse_milli_public);
	DONE();
}
