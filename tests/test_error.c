#include <string.h>

#include "sim/error.h"
#include "tests/aim_test.h"

int main(void)
{
    enum aim_status s = aim_error_set(AIM_ERR_CONFIG, "bad value %d at %s", 7, "demand.theta");
    aim_test(s == AIM_ERR_CONFIG, "aim_error_set returns its status");
    aim_test(strcmp(aim_error_message(), "bad value 7 at demand.theta") == 0, "message is formatted");
    aim_error_prefix(s, "file.yaml:3:5: ");
    aim_test_contains(aim_error_message(), "file.yaml:3:5: bad value 7", "prefix prepends context");
    aim_test(aim_error_exit_code(AIM_OK) == 0, "ok exits 0");
    aim_test(aim_error_exit_code(AIM_ERR_CONFIG) == 2, "config error exits 2");
    aim_test(aim_error_exit_code(AIM_ERR_USAGE) == 2, "usage error exits 2");
    aim_test(aim_error_exit_code(AIM_ERR_FORMAT) == 2, "format error exits 2");
    aim_test(aim_error_exit_code(AIM_ERR_IO) == 1, "I/O error exits 1");
    aim_error_clear();
    aim_test(aim_error_message()[0] == '\0', "clear empties the message");
    return aim_test_summary();
}
