/* Build provenance from the generated build_info.h plus library versions queried at run time. */
#include "sim/version.h"

#include <hdf5.h>
#include <libfyaml.h>
#include <stdio.h>

#include "build_info.h"

const char *aim_version_string(void)
{
    return AIM_VERSION_STRING;
}

const char *aim_version_git_revision(void)
{
    return AIM_GIT_REVISION;
}

int aim_version_git_dirty(void)
{
    return AIM_GIT_DIRTY;
}

const char *aim_version_compiler(void)
{
    return AIM_C_COMPILER;
}

const char *aim_version_flags(void)
{
    return AIM_C_FLAGS_STRING;
}

const char *aim_version_build_type(void)
{
    return AIM_BUILD_TYPE;
}

const char *aim_version_hdf5(char *buf, unsigned long size)
{
    unsigned maj = 0, min = 0, rel = 0;
    if (H5get_libversion(&maj, &min, &rel) < 0) {
        snprintf(buf, size, "unknown");
    } else {
        snprintf(buf, size, "%u.%u.%u", maj, min, rel);
    }
    return buf;
}

const char *aim_version_libfyaml(void)
{
    const char *v = fy_library_version();
    return v ? v : "unknown";
}
