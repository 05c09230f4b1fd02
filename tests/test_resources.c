#include <stdint.h>
#include <string.h>

#include "sim/resources.h"
#include "tests/aim_test.h"

static void check_size(const char *text, size_t want)
{
    size_t got = 0;
    enum aim_status s = aim_resources_parse_size(text, &got);
    aim_test(s == AIM_OK && got == want, "size \"%s\" is %zu bytes (got %zu, status %d)", text, want, got,
             (int)s);
}

static void check_bad_size(const char *text)
{
    size_t got = 2385;
    enum aim_status s = aim_resources_parse_size(text, &got);
    aim_test(s == AIM_ERR_USAGE && got == 2385, "size \"%s\" refused, value untouched", text);
    aim_test_contains(aim_error_message(), "optional unit K, M, G, T",
                      "size \"%s\": the message says what is right", text);
}

int main(void)
{
    check_size("2385", 2385);
    check_size("2385B", 2385);
    check_size("7K", 7 * 1024);
    check_size("512M", (size_t)512 << 20);
    check_size("1.5G", (size_t)3 << 29);
    check_size("4GiB", (size_t)4 << 30);
    check_size("2t", (size_t)2 << 40);
    const char *bad[] = {"", "0", "-1", "12X", "4GB4", "nan", "inf", "1e30", "0.5", "G"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_bad_size(bad[i]);
    }
    aim_test(aim_resources_memory_limit(12345) == 12345, "--max-memory is the limit when given");
    aim_test(aim_resources_memory_limit(0) > ((size_t)16 << 20), "MemAvailable read (%zu bytes)",
             aim_resources_memory_limit(0));
    return aim_test_summary();
}
