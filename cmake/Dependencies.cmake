# Locates LLVM 19, lld 19, libbpf, libelf, zlib, CLI11 and GoogleTest, and records the paths
# the in-process linker needs to build static tools (crt objects, static libraries).
find_package(LLVM 19.1 REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/llvm)
find_package(LLD REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/lld)
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_package(GTest QUIET)

find_library(BTC_LIBBPF_A NAMES libbpf.a REQUIRED)
find_library(BTC_LIBELF_A NAMES libelf.a REQUIRED)
find_library(BTC_LIBZ_A NAMES libz.a REQUIRED)
# libevent's HTTP server (evhttp, in libevent_extra) serves a tool's --metrics endpoint.
find_library(BTC_LIBEVENT_CORE_A NAMES libevent_core.a REQUIRED)
find_library(BTC_LIBEVENT_EXTRA_A NAMES libevent_extra.a REQUIRED)
find_path(BTC_LIBBPF_INCLUDE bpf/libbpf.h REQUIRED)

# The architectures btc writes tools for (btc --target). The host's runtime is built with the
# project; every other one by runtime/cross with Debian's cross compiler and multiarch
# libraries (scripts/deps.sh --targets installs them).
set(BTC_HOST_ARCH ${CMAKE_SYSTEM_PROCESSOR})
get_filename_component(BTC_HOST_LIBDIR ${BTC_LIBBPF_A} DIRECTORY)
set(BTC_TARGETS ${BTC_HOST_ARCH} CACHE STRING "Architectures btc writes tools for (x86_64;aarch64)")
if(NOT BTC_HOST_ARCH IN_LIST BTC_TARGETS)
  list(PREPEND BTC_TARGETS ${BTC_HOST_ARCH})
endif()
foreach(arch ${BTC_TARGETS})
  if(NOT arch STREQUAL BTC_HOST_ARCH)
    if(NOT arch MATCHES "^(x86_64|aarch64)$")
      message(FATAL_ERROR "BTC_TARGETS: unknown architecture ${arch} (x86_64, aarch64)")
    endif()
    find_program(BTC_CROSS_CXX_${arch} ${arch}-linux-gnu-g++)
    if(NOT BTC_CROSS_CXX_${arch})
      message(FATAL_ERROR "BTC_TARGETS has ${arch} but ${arch}-linux-gnu-g++ is missing "
                          "(scripts/deps.sh --targets installs the cross toolchain)")
    endif()
  endif()
endforeach()

# libbpf for the compiler itself (opening objects, BTF queries): the shared library.
pkg_check_modules(BTC_LIBBPF_PC REQUIRED IMPORTED_TARGET libbpf)
if(NOT TARGET btc::libbpf)
  add_library(btc::libbpf ALIAS PkgConfig::BTC_LIBBPF_PC)
endif()

# btc_libevent_dir(ARCH OUT): where ARCH's libevent_core.a and libevent_extra.a are. The host's
# come from libevent-dev. libevent-dev is not Multi-Arch: same, so another architecture's
# cannot be installed beside it: scripts/deps.sh unpacks them from that architecture's package
# into /opt/btc-cross/ARCH (the headers are the same).
function(btc_libevent_dir arch out)
  if(arch STREQUAL BTC_HOST_ARCH)
    get_filename_component(dir ${BTC_LIBEVENT_CORE_A} DIRECTORY)
  elseif(EXISTS /usr/lib/${arch}-linux-gnu/libevent_core.a)
    set(dir /usr/lib/${arch}-linux-gnu)
  else()
    set(dir /opt/btc-cross/${arch})
  endif()
  set(${out} ${dir} PARENT_SCOPE)
endfunction()

# btc_link_target_row(ARCH COMPILER LIBDIR RUNTIME_A RUNTIME_BASE OUT): one row of
# link_config.h's kTargets for ARCH: the start files and static libraries COMPILER (a gcc
# for that architecture) links a static C++ program with, libbpf.a and libelf.a from LIBDIR.
function(btc_link_target_row arch compiler libdir runtime_a runtime_base out)
  btc_libevent_dir(${arch} event_dir)
  set(files)
  foreach(f crt1.o crti.o crtbeginT.o crtend.o crtn.o)
    execute_process(COMMAND ${compiler} -print-file-name=${f} OUTPUT_VARIABLE p
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(p "${p}" ABSOLUTE)
    list(APPEND files "${p}")
  endforeach()
  set(archives ${libdir}/libbpf.a ${libdir}/libelf.a ${event_dir}/libevent_extra.a
               ${event_dir}/libevent_core.a)
  foreach(f libstdc++.a libm.a libc.a libgcc.a libgcc_eh.a)
    execute_process(COMMAND ${compiler} -print-file-name=${f} OUTPUT_VARIABLE p
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(p "${p}" ABSOLUTE)
    list(APPEND archives "${p}")
  endforeach()
  foreach(p ${files} ${archives})
    if(NOT EXISTS "${p}")
      message(FATAL_ERROR "${arch}: ${p} not found; btc cannot link ${arch} tools "
                          "(scripts/deps.sh installs what each target needs)")
    endif()
  endforeach()
  list(JOIN files "\", \"" files_text)
  list(JOIN archives "\", \"" archives_text)
  set(${out} "    {\"${arch}\", \"${files_text}\",\n     {\"${archives_text}\"},\n     \"${runtime_a}\", \"${runtime_base}\"},"
      PARENT_SCOPE)
endfunction()

# btc_add_link_library(): defines `btc_link`, the in-process static linker
# (compiler/driver/link.cpp), with the paths above baked into a generated link_config.h, one
# row per architecture of BTC_TARGETS. Idempotent, so both the driver and the skeleton tests
# can ask for it.
function(btc_add_link_library)
  if(TARGET btc_link)
    return()
  endif()
  set(dir ${PROJECT_SOURCE_DIR}/compiler/driver)
  set(gen ${PROJECT_BINARY_DIR}/generated/btc_link)
  file(RELATIVE_PATH BTC_RUNTIME_INSTALL_RELDIR ${CMAKE_INSTALL_FULL_BINDIR}
       ${CMAKE_INSTALL_FULL_LIBDIR}/btc)
  set(rows)
  foreach(arch ${BTC_TARGETS})
    if(arch STREQUAL BTC_HOST_ARCH)
      set(runtime_a "")
      if(TARGET btc_runtime)
        set(runtime_a "$<TARGET_FILE:btc_runtime>")
      endif()
      btc_link_target_row(${arch} ${CMAKE_CXX_COMPILER} ${BTC_HOST_LIBDIR} "${runtime_a}"
                          "${PROJECT_BINARY_DIR}/runtime/btc-runtime" row)
    else()
      btc_link_target_row(${arch} ${BTC_CROSS_CXX_${arch}} /usr/lib/${arch}-linux-gnu
                          "${PROJECT_BINARY_DIR}/runtime-${arch}/runtime/src/libbtc_runtime.a"
                          "${PROJECT_BINARY_DIR}/runtime/btc-runtime-${arch}" row)
    endif()
    string(APPEND rows "${row}\n")
  endforeach()
  set(BTC_LINK_TARGET_ROWS "${rows}")
  configure_file(${dir}/link_config.h.in ${gen}/link_config.h.in @ONLY)
  file(GENERATE OUTPUT ${gen}/link_config.h INPUT ${gen}/link_config.h.in)
  add_library(btc_link STATIC ${dir}/link.cpp)
  target_include_directories(btc_link PUBLIC ${dir} PRIVATE ${gen})
  target_include_directories(btc_link SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS} ${LLD_INCLUDE_DIRS})
  target_link_libraries(btc_link PUBLIC lldELF lldCommon LLVM btc_abi btc_targets)
  btc_set_warnings(btc_link)
endfunction()
