// static_tool.cpp: what a static tool leaves out of glibc, zlib and libelf: definitions that
// take the place of library ones a tool never needs, each saving code every tool would carry.
// Linked into the tool runtime only (not the unit tests, which use the real libraries); lld
// takes these because libbtc_runtime.a comes before the system archives (driver/link.cpp).
//
//  * gettext: libelf's error messages, its assert()s and glibc's strerror translate through
//    it, which in a static glibc brings iconv and the dlopen machinery (~200 KiB). Tools speak
//    English: messages pass through untranslated; assert aborts as glibc's does.
//  * zlib (~90 KiB): libbpf opens /proc/config.gz only for Kconfig externs, which btc objects
//    never have, and libelf inflates only SHF_COMPRESSED sections, which the sections a tool
//    reads (symbol tables, notes, .eh_frame) never are. Here every zlib call fails, so such a
//    section reads as unreadable rather than as garbage.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

extern "C" {

char* __dcgettext(const char* domain, const char* msgid, int category) noexcept {
  return const_cast<char*>(msgid);
}
char* dcgettext(const char* domain, const char* msgid, int category) noexcept {
  return const_cast<char*>(msgid);
}

[[noreturn]] void __assert_fail(const char* expr, const char* file, unsigned line,
                                const char* function) noexcept {
  char buf[1024];
  int n = std::snprintf(buf, sizeof buf, "%s:%u: %s: Assertion `%s' failed.\n", file, line,
                        function ? function : "?", expr);
  if (n > 0) (void)!::write(STDERR_FILENO, buf, std::min<size_t>(size_t(n), sizeof buf - 1));
  std::abort();
}

// zlib's return codes (zlib.h): Z_OK 0, Z_STREAM_ERROR -2, Z_VERSION_ERROR -6.
void* gzopen64(const char* path, const char* mode) noexcept {
  return nullptr;
}
char* gzgets(void* file, char* buf, int len) noexcept {
  return nullptr;
}
int gzclose(void* file) noexcept {
  return -2;
}
int inflateInit_(void* stream, const char* version, int size) noexcept {
  return -6;
}
int inflate(void* stream, int flush) noexcept {
  return -2;
}
int inflateReset(void* stream) noexcept {
  return -2;
}
int inflateEnd(void* stream) noexcept {
  return 0;
}
int deflateInit_(void* stream, int level, const char* version, int size) noexcept {
  return -6;
}
int deflate(void* stream, int flush) noexcept {
  return -2;
}
int deflateEnd(void* stream) noexcept {
  return 0;
}

} // extern "C"
