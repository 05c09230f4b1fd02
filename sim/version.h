/* Build provenance: what made this binary, written into every output file. */
#ifndef AIM_VERSION_H
#define AIM_VERSION_H

/** @brief aimsim version ("0.1.0"). */
const char *aim_version_string(void);
/** @brief Git revision the binary was configured from ("unknown" outside a checkout). */
const char *aim_version_git_revision(void);
/** @brief 1 if tracked files differed from that revision at configure time, 0 if clean, -1 unknown. */
int aim_version_git_dirty(void);
/** @brief Compiler id and version ("GNU 12.2.0"). */
const char *aim_version_compiler(void);
/** @brief C flags of this build (build type flags, warnings, -ffp-contract=off, OpenMP). */
const char *aim_version_flags(void);
/** @brief CMake build type ("Release"). */
const char *aim_version_build_type(void);
/** @brief HDF5 library version in use at run time ("1.10.8"); buf receives it. */
const char *aim_version_hdf5(char *buf, unsigned long size);
/** @brief libfyaml library version in use at run time. */
const char *aim_version_libfyaml(void);

#endif
