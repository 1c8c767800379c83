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
//  * the name service (~200 KiB: NSS, the DNS resolver and the dlopen machinery in a static
//    glibc): libevent's evutil can turn host and service names into addresses and back
//    (getaddrinfo, getnameinfo, getservbyname, getprotobynumber), which the --metrics server
//    never asks for: it serves on a socket the tool bound to a numeric address. Here they
//    handle numbers only; a name is not found (EAI_NONAME, NULL).
#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
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

int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** res) {
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int flags = hints ? hints->ai_flags : 0;
  uint16_t port = 0;
  if (service) {
    char* end = nullptr;
    unsigned long n = std::strtoul(service, &end, 10);
    if (*service == '\0' || *end != '\0' || n > 65535) return EAI_SERVICE;
    port = static_cast<uint16_t>(n);
  }
  auto* block = static_cast<char*>(std::calloc(1, sizeof(addrinfo) + sizeof(sockaddr_in6)));
  if (!block) return EAI_MEMORY;
  auto* ai = reinterpret_cast<addrinfo*>(block);
  auto* sa = block + sizeof(addrinfo);
  auto* v4 = reinterpret_cast<sockaddr_in*>(sa);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(sa);
  bool ok = false;
  if (family != AF_INET6 && (!node || inet_pton(AF_INET, node, &v4->sin_addr) == 1)) {
    if (!node) v4->sin_addr.s_addr = htonl(flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    ai->ai_family = AF_INET;
    ai->ai_addrlen = sizeof(sockaddr_in);
    ok = true;
  } else if (family != AF_INET && (!node || inet_pton(AF_INET6, node, &v6->sin6_addr) == 1)) {
    if (!node) v6->sin6_addr = flags & AI_PASSIVE ? in6addr_any : in6addr_loopback;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    ai->ai_family = AF_INET6;
    ai->ai_addrlen = sizeof(sockaddr_in6);
    ok = true;
  }
  if (!ok) {
    std::free(block);
    return EAI_NONAME;
  }
  ai->ai_socktype = hints ? hints->ai_socktype : 0;
  ai->ai_protocol = hints ? hints->ai_protocol : 0;
  ai->ai_addr = reinterpret_cast<sockaddr*>(sa);
  *res = ai;
  return 0;
}

void freeaddrinfo(addrinfo* res) noexcept {
  while (res) { // each node is one block (this getaddrinfo makes one)
    addrinfo* next = res->ai_next;
    std::free(res);
    res = next;
  }
}

const char* gai_strerror(int code) noexcept {
  return code == EAI_NONAME ? "Name or service not known (tools take numeric addresses)"
                            : "Address resolution failed";
}

int getnameinfo(const sockaddr* sa, socklen_t salen, char* host, socklen_t hostlen, char* serv,
                socklen_t servlen, int flags) {
  const void* addr = nullptr;
  uint16_t port = 0;
  if (sa->sa_family == AF_INET && salen >= sizeof(sockaddr_in)) {
    addr = &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr;
    port = ntohs(reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
  } else if (sa->sa_family == AF_INET6 && salen >= sizeof(sockaddr_in6)) {
    addr = &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port);
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen > 0 && !inet_ntop(sa->sa_family, addr, host, hostlen)) return EAI_OVERFLOW;
  if (serv && servlen > 0 &&
      std::snprintf(serv, servlen, "%u", unsigned{port}) >= static_cast<int>(servlen))
    return EAI_OVERFLOW;
  return 0;
}

servent* getservbyname(const char* name, const char* proto) {
  return nullptr;
}

protoent* getprotobynumber(int proto) {
  return nullptr;
}

} // extern "C"
