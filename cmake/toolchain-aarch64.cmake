# CMake toolchain for the aarch64 tool runtime: Debian's cross compiler
# (crossbuild-essential-arm64) against Debian's arm64 multiarch libraries
# (libbpf-dev:arm64, libelf-dev:arm64, zlib1g-dev:arm64 in /usr/lib/aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
